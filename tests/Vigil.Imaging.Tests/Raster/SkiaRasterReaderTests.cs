using Vigil.Imaging.Raster;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Raster;

public class SkiaRasterReaderTests
{
    private static readonly SkiaRasterReader Reader = new();

    // Reference values from PIL (Debian python3-pil, libjpeg-turbo) on scikit-image's sample files:
    // shape, sum of all samples, and a few RGB pixels. Skia's IDCT may differ by a grey level here and there.
    [Theory]
    [InlineData("retina.jpg", 1411, 1411, 535744832L, 700, 700, 183, 42, 24)]
    [InlineData("hubble_deep_field.jpg", 1000, 872, 50108051L, 500, 400, 14, 19, 15)]
    public void Decodes_real_jpeg_like_an_independent_decoder(string name, int width, int height, long sum, int x, int y, int r, int g, int b)
    {
        var image = Assert.Single(Reader.Read(TestCorpora.File(TestCorpora.Skimage, name), ImageReadOptions.Default));
        var f = image.Frame;
        Assert.Equal((width, height, 3, 8), (f.Width, f.Height, f.Channels, f.BitDepth));
        long actual = 0; foreach (var v in f.Data) actual += v;
        Assert.InRange(actual, sum * 0.995, sum * 1.005);
        int i = (y * width + x) * 3;
        Assert.InRange(f.Data[i], r - 3, r + 3);
        Assert.InRange(f.Data[i + 1], g - 3, g + 3);
        Assert.InRange(f.Data[i + 2], b - 3, b + 3);
    }

    [Fact]
    public void Truncated_jpeg_is_rejected_with_a_clear_message()
    {
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(TestCorpora.File(TestCorpora.Skimage, "truncated.jpg"), ImageReadOptions.Default).ToList());
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Bmp_and_lossless_webp_written_by_pil_decode_to_the_same_pixels_as_the_png_source()
    {
        using var dir = new TempDir();
        var source = TestCorpora.File(TestCorpora.Skimage, "chelsea.png");
        DebianPython.Run($"""
            from PIL import Image
            im = Image.open({Quote(source)}).convert("RGB")
            im.save({Quote(dir.File("c.bmp"))})
            im.save({Quote(dir.File("c.webp"))}, lossless=True)
            im.convert("L").save({Quote(dir.File("g.bmp"))})
            with open({Quote(dir.File("rgb.raw"))}, "wb") as f: f.write(im.tobytes())
            with open({Quote(dir.File("grey.raw"))}, "wb") as f: f.write(im.convert("L").tobytes())
            """);
        var rgb = File.ReadAllBytes(dir.File("rgb.raw"));
        var grey = File.ReadAllBytes(dir.File("grey.raw"));
        foreach (var file in new[] { "c.bmp", "c.webp" })
        {
            var frame = Assert.Single(Reader.Read(dir.File(file), ImageReadOptions.Default)).Frame;
            Assert.Equal((451, 300, 3), (frame.Width, frame.Height, frame.Channels));
            Assert.True(rgb.AsSpan().SequenceEqual(frame.Data), file + " differs from PIL's pixels");
        }
        // An 8-bit palette-less grey BMP is decoded to RGB by Skia; its channels must all equal PIL's grey.
        var g = Assert.Single(Reader.Read(dir.File("g.bmp"), ImageReadOptions.Default)).Frame;
        for (int i = 0; i < grey.Length; i++) Assert.Equal(grey[i], g.Data[i * g.Channels]);
    }

    [Fact]
    public void Oversized_declaration_is_refused_before_decoding()
    {
        var path = TestCorpora.File(TestCorpora.Skimage, "retina.jpg");
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(path, new ImageReadOptions { MaxPixelsPerImage = 1000 }).ToList());
        Assert.Contains("above the limit", e.Message);
    }

    [Fact]
    public void Signatures_are_recognised()
    {
        Assert.True(Reader.MatchesSignature(File.ReadAllBytes(TestCorpora.File(TestCorpora.Skimage, "retina.jpg")).AsSpan(0, 64)));
        Assert.False(Reader.MatchesSignature("\x89PNG\r\n"u8));
    }

    internal static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
