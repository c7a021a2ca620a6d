using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.Datasets.Tests.Support;

/// <summary>Writes real PNG files with distinct, seeded pixel content.</summary>
public static class TestImages
{
    public static ImageFrame Frame(int seed, int width = 16, int height = 16)
    {
        var random = new Random(seed);
        var data = new byte[width * height];
        random.NextBytes(data);
        return ImageFrame.Grey8(width, height, data);
    }

    public static string Png(string path, int seed, int width = 16, int height = 16)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        PngEncoder.Save(Frame(seed, width, height), path);
        return path;
    }

    /// <summary>Writes <paramref name="count"/> PNGs named img_000.png… into <paramref name="folder"/>.</summary>
    public static List<string> Pngs(string folder, int count, int seedBase, int size = 16)
    {
        var paths = new List<string>();
        for (int i = 0; i < count; i++) paths.Add(Png(System.IO.Path.Combine(folder, $"img_{i:D3}.png"), seedBase + i, size, size));
        return paths;
    }
}
