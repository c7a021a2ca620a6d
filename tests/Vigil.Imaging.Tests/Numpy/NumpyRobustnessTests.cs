using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Vigil.Imaging.Numpy;
using Vigil.Imaging.Tests.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Numpy;

/// <summary>Damaged and hostile npy/npz files end in images or an ImageFormatException, quickly, without big allocations.</summary>
public sealed class NumpyRobustnessTests
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    [Theory]
    [InlineData("pneumoniamnist.npz")]
    [InlineData("chestmnist.npz")]
    [InlineData("stack_f64_nan.npy")]
    [InlineData("v3_header_i64.npy")]
    [InlineData("stack_fortran_u8.npy")]
    public void Mutated_fixtures_fail_cleanly(string file)
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(NumpyReaderTests.Fixture(file));
        IImageReader reader = file.EndsWith(".npz", StringComparison.Ordinal) ? new NpzReader() : new NpyReader();
        ReaderMutations.Truncations(reader, bytes, dir.Path, file);
        ReaderMutations.ByteFlips(reader, bytes, dir.Path, file);
        ReaderMutations.RandomBodies(reader, bytes, file.EndsWith(".npz", StringComparison.Ordinal) ? 4 : 8, dir.Path, file);
    }

    [Theory]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, }")]
    [InlineData("{'descr': '|u1', 'fortran_order': False}")]
    [InlineData("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }")]
    [InlineData("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }")]
    [InlineData("{'descr': '|u1', 'fortran_order': 0, 'shape': (2, 3, 3), }")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (-2, 3, 3), }")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999), }")]
    [InlineData("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((")]
    [InlineData("__import__('os').system('true')")]
    public void Malformed_headers_are_rejected(string header)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.npy");
        var text = Encoding.Latin1.GetBytes(header + "\n");
        var bytes = new byte[10 + text.Length + 64];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        text.CopyTo(bytes, 10);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ImageFormatException>(() => new NpyReader().Read(path, ImageReadOptions.Default).ToList());
        Assert.DoesNotContain("magic", e.Message); // the header itself was judged
        Assert.Contains("array", e.Message);
    }

    [Fact]
    public void Member_claiming_impossible_expansion_is_rejected_before_reading()
    {
        using var dir = new TempDir();
        var path = dir.File("train.npz");
        File.Copy(NumpyReaderTests.Fixture("chestmnist.npz"), path);
        // Rewrite the central directory's uncompressed size of every member to 4 GB - 1 (stored members: ratio >> 1032).
        var bytes = File.ReadAllBytes(path);
        for (int i = bytes.AsSpan().IndexOf("PK\x01\x02"u8); i >= 0; )
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), 0xFFFFFFFE);
            int next = bytes.AsSpan(i + 4).IndexOf("PK\x01\x02"u8);
            i = next < 0 ? -1 : i + 4 + next;
        }
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ImageFormatException>(() => new NpzReader().Read(path, ImageReadOptions.Default).ToList());
        Assert.Contains("inconsistent", e.Message);
    }

    [Fact]
    public void Deflate_bomb_member_is_read_only_as_far_as_its_header_says()
    {
        // One 28x28 image declared; the member then inflates to 200 MB more of zeros.
        using var dir = new TempDir();
        var path = dir.File("pneumoniamnist.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var member = zip.CreateEntry("train_images.npy", CompressionLevel.SmallestSize).Open();
            var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 28, 28), }";
            header = header.PadRight(128 - 10 - 1) + "\n";
            member.Write(Magic);
            member.Write([1, 0]);
            member.Write(BitConverter.GetBytes((ushort)header.Length));
            member.Write(Encoding.Latin1.GetBytes(header));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) member.Write(zeros);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var images = new NpzReader().Read(path, ImageReadOptions.Default).ToList();
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20);
        var image = Assert.Single(images);
        Assert.All(image.Frame.Data, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)] // float32: a first pass for the value range, then the pixels
    public void Arrays_are_read_only_as_far_as_their_declared_images(bool needsRange, int passes)
    {
        // What keeps the inflated member above cheap: the images are read from a stream that would go on forever,
        // and no sample past the declared shape is asked for.
        var element = new ElementType(needsRange ? ElementKind.Float32 : ElementKind.UInt8);
        var layout = new ImageLayout(Count: 3, Height: 28, Width: 28, Channels: 1, ChannelsFirst: false, Stacked: true);
        var data = new CountingZeros();
        var stream = new ArrayImageStream(_ => data, element, layout, "bomb.npy");
        var frames = stream.Frames(stream.ChooseMapping(CancellationToken.None), CancellationToken.None).ToList();
        Assert.Equal(3, frames.Count);
        Assert.Equal(passes * 3 * 28 * 28 * element.Size, data.Handed);
    }

    [Fact]
    public void Zip_that_is_not_an_npz_fails_clearly()
    {
        using var dir = new TempDir();
        var path = dir.File("x.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("notes.txt").Open())) writer.Write("hello");
        var e = Assert.Throws<ImageFormatException>(() => new NpzReader().Read(path, ImageReadOptions.Default).ToList());
        Assert.Contains("no .npy arrays", e.Message);
    }

    [Fact]
    public void Random_bytes_named_npz_fail_cleanly()
    {
        using var dir = new TempDir();
        var rng = new Random(5);
        for (int i = 0; i < 30; i++)
        {
            var bytes = new byte[rng.Next(0, 4000)];
            rng.NextBytes(bytes);
            var path = dir.File($"r{i}.npz");
            File.WriteAllBytes(path, bytes);
            ReaderMutations.ExpectCleanOutcome(new NpzReader(), path);
            ReaderMutations.ExpectCleanOutcome(new NpyReader(), path);
        }
    }
}
