using System.Security.Cryptography;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Png;

/// <summary>Where the PNG fixtures live, and how decoded frames are compared with the expected literals.</summary>
public static class PngFiles
{
    /// <summary>Fixtures written by make_png_fixtures.py (committed beside it).</summary>
    public static string Fixtures => Path.Combine(TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests", "Png", "Fixtures");

    /// <summary>SHA-256 of the frame's bytes (16-bit samples little-endian), lower-case hex.</summary>
    public static string Sha256(ImageFrame frame) => Convert.ToHexStringLower(SHA256.HashData(frame.Data));

    /// <summary>Asserts geometry and the exact samples.</summary>
    public static void AssertFrame(ImageFrame frame, int width, int height, int channels, int depth, string sha256)
    {
        Assert.Equal((width, height, channels, depth), (frame.Width, frame.Height, frame.Channels, frame.BitDepth));
        Assert.Equal(sha256, Sha256(frame));
    }
}
