using Vigil.Imaging.Png;

namespace Vigil.Imaging.Tests.Png;

/// <summary>PngEncoder then PngDecoder gives back the exact frame.</summary>
public sealed class PngRoundTripTests
{
    [Theory]
    [InlineData(1, 1, 1, 8)]
    [InlineData(13, 7, 1, 8)]
    [InlineData(512, 3, 1, 16)]
    [InlineData(3, 301, 1, 16)]
    [InlineData(17, 9, 3, 8)]
    [InlineData(31, 33, 3, 16)]
    public void Encoded_frame_decodes_to_itself(int width, int height, int channels, int depth)
    {
        var data = new byte[width * height * channels * depth / 8];
        new Random(width * 1000 + height).NextBytes(data);
        var frame = new ImageFrame(width, height, channels, depth, data);
        var decoded = PngDecoder.Decode(PngEncoder.Encode(frame));
        Assert.Equal((width, height, channels, depth), (decoded.Width, decoded.Height, decoded.Channels, decoded.BitDepth));
        Assert.Equal(frame.Data, decoded.Data);
        Assert.Equal(ContentHash.Of(frame), ContentHash.Of(decoded));
    }
}
