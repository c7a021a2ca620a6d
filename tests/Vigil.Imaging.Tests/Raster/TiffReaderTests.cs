using System.Buffers.Binary;
using Vigil.Imaging.Raster;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Raster;

public class TiffReaderTests
{
    private static readonly TiffReader Reader = new();

    [Theory]
    [InlineData("chessboard_GRAY_U16.tif")]   // little-endian 16-bit
    [InlineData("chessboard_GRAY_U16B.tif")]  // big-endian 16-bit
    public void Reads_real_16_bit_tiff_at_full_depth(string name)
    {
        var frame = Assert.Single(Reader.Read(TestCorpora.File(TestCorpora.Skimage, name), ImageReadOptions.Default)).Frame;
        Assert.Equal((200, 200, 1, 16), (frame.Width, frame.Height, frame.Channels, frame.BitDepth));
        long sum = 0; foreach (var v in frame.Samples16) sum += v;
        Assert.Equal(5100000L, sum); // PIL: mode I;16 / I;16B, same sum
    }

    [Fact]
    public void Reads_every_page_of_a_real_multi_page_tiff()
    {
        // Sums per page from PIL (ImageSequence) on scikit-image's 30-page 32x32 stack.
        long[] expected = [20400, 37995, 32130, 33660, 36210, 31875, 32895, 35700, 39525, 35955, 41820, 36975, 32895, 33405, 32385,
                           35700, 38505, 40035, 32385, 33405, 31110, 29835, 34425, 35190, 31365, 33405, 31875, 34680, 33405, 31620];
        var pages = Reader.Read(TestCorpora.File(TestCorpora.Skimage, "_blobs_3d_fiji_skeleton.tif"), ImageReadOptions.Default).ToList();
        Assert.Equal(30, pages.Count);
        Assert.Equal("page-0001", pages[0].Key);
        Assert.Equal(expected, pages.Select(p => p.Frame.Data.Sum(b => (long)b)).ToArray());
        Assert.All(pages, p => Assert.Equal((32, 32, 1, 8), (p.Frame.Width, p.Frame.Height, p.Frame.Channels, p.Frame.BitDepth)));
    }

    [Fact]
    public void Two_page_8_bit_tiff_matches_pil()
    {
        var pages = Reader.Read(TestCorpora.File(TestCorpora.Skimage, "multipage.tif"), ImageReadOptions.Default).ToList();
        Assert.Equal(new long[] { 19125, 19019 }, pages.Select(p => p.Frame.Data.Sum(b => (long)b)).ToArray());
        Assert.Equal((10, 15), (pages[0].Frame.Width, pages[0].Frame.Height));
    }

    [Theory]
    [InlineData("tiff_deflate")]
    [InlineData("tiff_lzw")]
    [InlineData("raw")]
    public void Sixteen_bit_multi_page_written_by_pil_round_trips_exactly(string compression)
    {
        using var dir = new TempDir();
        var path = dir.File("stack.tif");
        // PIL writes a 3-page 16-bit stack with values above 255 (like an MRI series) and the raw samples beside it.
        DebianPython.Run($$"""
            import numpy as np
            from PIL import Image
            rng = np.random.default_rng(7)
            pages = [(rng.integers(0, 4096, size=(37, 53)) + i * 1000).astype(np.uint16) for i in range(3)]
            ims = [Image.fromarray(p, mode="I;16") for p in pages]
            ims[0].save({{SkiaRasterReaderTests.Quote(path)}}, save_all=True, append_images=ims[1:], compression="{{compression}}")
            np.stack(pages).astype("<u2").tofile({{SkiaRasterReaderTests.Quote(dir.File("raw.bin"))}})
            """);
        var raw = File.ReadAllBytes(dir.File("raw.bin"));
        var pages = Reader.Read(path, ImageReadOptions.Default).ToList();
        Assert.Equal(3, pages.Count);
        for (int p = 0; p < 3; p++)
        {
            var f = pages[p].Frame;
            Assert.Equal((53, 37, 1, 16), (f.Width, f.Height, f.Channels, f.BitDepth));
            Assert.True(raw.AsSpan(p * f.Data.Length, f.Data.Length).SequenceEqual(f.Data), $"page {p} differs");
        }
        Assert.True(BinaryPrimitives.ReadUInt16LittleEndian(pages[2].Frame.Data) >= 2000);
    }

    [Fact]
    public void Rgb_and_float_tiffs_written_by_pil_decode()
    {
        using var dir = new TempDir();
        DebianPython.Run($$"""
            import numpy as np
            from PIL import Image
            rgb = (np.arange(20*30*3) % 251).astype(np.uint8).reshape(20, 30, 3)
            Image.fromarray(rgb, "RGB").save({{SkiaRasterReaderTests.Quote(dir.File("rgb.tif"))}})
            rgb.tofile({{SkiaRasterReaderTests.Quote(dir.File("rgb.raw"))}})
            f = np.linspace(-1.5, 2.5, 20*30, dtype=np.float32).reshape(20, 30)
            Image.fromarray(f, "F").save({{SkiaRasterReaderTests.Quote(dir.File("f.tif"))}})
            """);
        var rgb = Assert.Single(Reader.Read(dir.File("rgb.tif"), ImageReadOptions.Default)).Frame;
        Assert.Equal((30, 20, 3, 8), (rgb.Width, rgb.Height, rgb.Channels, rgb.BitDepth));
        Assert.Equal(File.ReadAllBytes(dir.File("rgb.raw")), rgb.Data);

        var f = Assert.Single(Reader.Read(dir.File("f.tif"), ImageReadOptions.Default));
        Assert.Equal(16, f.Frame.BitDepth);
        Assert.Equal(0, f.Frame.Samples16[0]);              // minimum -> 0
        Assert.Equal(65535, f.Frame.Samples16[^1]);         // maximum -> 65535
        Assert.Equal("-1.5", f.Metadata.Extra["intensity_offset"]);
    }

    [Fact]
    public void Not_a_tiff_is_a_clear_error()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.tif"), "II*\0garbage-garbage"u8.ToArray());
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(dir.File("x.tif"), ImageReadOptions.Default).ToList());
        Assert.Equal(dir.File("x.tif"), e.Path);
    }
}
