using SkiaSharp;
using Vigil.Imaging.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Png;

/// <summary>PngDecoder against SkiaSharp (libpng) as an independent 8-bit decoder and encoder.</summary>
public sealed class PngCrossCheckTests
{
    [Theory]
    [InlineData("camera.png")]        // grey, 17 IDAT chunks
    [InlineData("astronaut.png")]     // RGB, 97 IDAT chunks
    [InlineData("checker_bilevel.png")] // 1-bit grey
    [InlineData("palette_color.png")]
    [InlineData("green_palette.png")]
    [InlineData("horse.png")]          // RGBA: composited onto black = Skia's premultiplied colour
    [InlineData("logo.png")]
    public void Real_png_matches_skia(string file)
    {
        var bytes = File.ReadAllBytes(TestCorpora.File(TestCorpora.Skimage, file));
        var frame = PngDecoder.Decode(bytes);
        var reference = SkiaPremultiplied(bytes);
        int tolerance = file is "horse.png" or "logo.png" ? 1 : 0;
        AssertMatches(frame, reference, tolerance);
    }

    [Theory]
    [InlineData(SKColorType.Gray8, 64, 48)]
    [InlineData(SKColorType.Gray8, 1, 1)]
    [InlineData(SKColorType.Gray8, 257, 3)]
    [InlineData(SKColorType.Rgba8888, 45, 31)]
    public void Skia_encoded_png_decodes_to_the_pixels_drawn(SKColorType colorType, int width, int height)
    {
        // libpng's adaptive filtering picks per-row filters, so these files exercise all five.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, SKAlphaType.Opaque));
        var rng = new Random(width * 31 + height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte noise = (byte)rng.Next(0, 24);
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5 + noise), (byte)(y * 7 + noise), (byte)((x ^ y) + noise)));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var frame = PngDecoder.Decode(data.ToArray());
        Assert.Equal(colorType == SKColorType.Gray8 ? 1 : 3, frame.Channels);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (frame.Channels == 1) Assert.Equal(c.Red, frame.Data[y * width + x]);
                else Assert.Equal((c.Red, c.Green, c.Blue), (frame.Data[3 * (y * width + x)], frame.Data[3 * (y * width + x) + 1], frame.Data[3 * (y * width + x) + 2]));
            }
    }

    private static byte[] SkiaPremultiplied(byte[] png)
    {
        // SKData rather than a managed stream: SkiaSharp's stream callback can overflow and kill the process.
        using var data = SKData.CreateCopy(png);
        using var codec = SKCodec.Create(data)!;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var pixels = new byte[info.BytesSize];
        unsafe
        {
            fixed (byte* p = pixels) Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, (IntPtr)p));
        }
        return pixels;
    }

    private static void AssertMatches(ImageFrame frame, byte[] rgba, int tolerance)
    {
        Assert.Equal(8, frame.BitDepth);
        int pixels = frame.Width * frame.Height, worst = 0;
        for (int i = 0; i < pixels; i++)
            for (int c = 0; c < frame.Channels; c++)
                worst = Math.Max(worst, Math.Abs(frame.Data[i * frame.Channels + c] - rgba[4 * i + c]));
        Assert.True(worst <= tolerance, $"largest difference from Skia is {worst}");
    }
}
