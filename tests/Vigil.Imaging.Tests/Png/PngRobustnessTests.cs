using System.Buffers.Binary;
using System.IO.Compression;
using Vigil.Imaging.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Png;

/// <summary>Hostile and damaged PNG files: each ends in an image or an ImageFormatException, quickly and without big allocations.</summary>
public sealed class PngRobustnessTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(PngFiles.Fixtures, name));

    [Fact]
    public void Bad_crc_is_rejected()
    {
        var bytes = Fixture("grey8_13x11.png");
        int idat = bytes.AsSpan().IndexOf("IDAT"u8);
        bytes[idat + 6] ^= 0x40; // a compressed byte: the chunk's stored CRC no longer matches
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(bytes, pathForErrors: "x.png"));
        Assert.Contains("CRC", e.Message);
        Assert.Equal("x.png", e.Path);
    }

    [Fact]
    public void Decompression_bomb_is_never_inflated_past_the_image()
    {
        // 16x16 grey declared; the IDAT stream inflates to 256 MiB of zeros.
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var zlib = new ZLibStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (int i = 0; i < 256; i++) zlib.Write(zeros);
            }
            compressed = buffer.ToArray();
        }
        var png = Build(16, 16, 8, 0, compressed);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var frame = PngDecoder.Decode(png);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((16, 16), (frame.Width, frame.Height));
        Assert.All(frame.Data, b => Assert.Equal(0, b));
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Rows_are_inflated_only_as_far_as_the_image_needs()
    {
        // What keeps the bomb above cheap: the decoder hands RowSource the image's inflated size, and RowSource asks
        // the inflater for no byte past it, however much more the stream would give.
        const int rowBytes = 17, rows = 16; // a 16x16 grey image: a filter byte and 16 samples per row
        var inflater = new CountingZeros();
        using (var source = new RowSource(inflater, rowBytes * rows))
        {
            for (int i = 0; i < rows; i++) Assert.Equal(rowBytes, source.Next(rowBytes).Length);
            Assert.True(source.Next(rowBytes).IsEmpty, "a row past the image's end was handed out");
        }
        Assert.Equal(rowBytes * rows, inflater.Handed);
    }

    [Fact]
    public void Huge_declared_size_with_little_data_fails_before_allocating()
    {
        // 16000x16000 is under the default pixel limit, but 100 compressed bytes cannot hold it.
        var png = Build(16000, 16000, 8, 0, ZLib(new byte[100]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(png));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Pixel_limit_is_enforced_from_the_header()
    {
        var options = new ImageReadOptions { MaxPixelsPerImage = 100 };
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(Fixture("grey8_13x11.png"), options));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void Unknown_filter_type_is_rejected()
    {
        var raw = new byte[2 * (1 + 4)];
        raw[5] = 9; // second row's filter byte
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(Build(4, 2, 8, 0, ZLib(raw))));
        Assert.Contains("filter", e.Message);
    }

    [Fact]
    public void Too_little_image_data_is_rejected()
    {
        var raw = new byte[3 * (1 + 4)]; // three rows for a four-row image
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(Build(4, 4, 8, 0, ZLib(raw))));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Invalid_depth_and_colour_combination_is_rejected()
    {
        var e = Assert.Throws<ImageFormatException>(() => PngDecoder.Decode(Build(4, 4, 4, 2, ZLib(new byte[40]))));
        Assert.Contains("colour type 2", e.Message);
    }

    [Theory]
    [InlineData("grey16_multi_idat_61x47.png")]
    [InlineData("palette4_adam7_11x5.png")]
    [InlineData("rgba16_adam7_9x7.png")]
    [InlineData("grey1_13x11.png")]
    public void Mutated_fixtures_fail_cleanly(string name)
    {
        using var dir = new TempDir();
        var bytes = Fixture(name);
        ReaderMutations.Truncations(new PngReader(), bytes, dir.Path, name);
        ReaderMutations.ByteFlips(new PngReader(), bytes, dir.Path, name);
        ReaderMutations.RandomBodies(new PngReader(), bytes, 8, dir.Path, name);
    }

    [Fact]
    public void Truncated_real_file_fails_cleanly()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(TestCorpora.File(TestCorpora.Skimage, "camera.png"));
        ReaderMutations.Truncations(new PngReader(), bytes, dir.Path, "camera.png", 40);
        var cut = dir.File("cut.png");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        Assert.Throws<ImageFormatException>(() => new PngReader().Read(cut, ImageReadOptions.Default).ToList());
    }

    [Fact]
    public void Missing_file_is_a_format_exception()
    {
        Assert.Throws<ImageFormatException>(() => new PngReader().Read("/nonexistent/x.png", ImageReadOptions.Default).ToList());
    }

    private static byte[] ZLib(byte[] raw)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return buffer.ToArray();
    }

    // A minimal PNG built by hand: IHDR, one IDAT, IEND, with correct CRCs.
    private static byte[] Build(int width, int height, int depth, int colour, byte[] idat)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth; ihdr[9] = (byte)colour;
        PngEncoder.WriteChunk(output, "IHDR"u8, ihdr);
        PngEncoder.WriteChunk(output, "IDAT"u8, idat);
        PngEncoder.WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }
}
