using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Fuzz;

/// <summary>
/// Hostile input against every registered reader: random bytes behind each format's magic, truncations and
/// byte flips of valid files. The only acceptable outcomes are images or an <see cref="ImageFormatException"/>,
/// each within a few seconds: no other exception type, no crash, no hang.
/// </summary>
public sealed class AllReadersFuzzTests : IClassFixture<AllReadersFuzzTests.Seeds>
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(20);
    private readonly Seeds _seeds;

    public AllReadersFuzzTests(Seeds seeds) => _seeds = seeds;

    /// <summary>Small valid files of every format, written by independent encoders (PIL, numpy) or taken from corpora.</summary>
    public sealed class Seeds : IDisposable
    {
        public TempDir Dir { get; } = new();
        public IReadOnlyList<string> Files { get; }

        public Seeds()
        {
            DebianPython.Run($$"""
                import numpy as np, gzip, struct
                from PIL import Image
                d = {{Q(Dir.Path)}}
                rng = np.random.default_rng(3)
                g = (rng.integers(0, 255, (24, 20))).astype(np.uint8)
                rgb = (rng.integers(0, 255, (16, 12, 3))).astype(np.uint8)
                Image.fromarray(g).save(d + "/g.png")
                Image.fromarray(rgb).save(d + "/c.png")
                Image.fromarray((g.astype(np.uint16) * 200), mode="I;16").save(d + "/g16.png")
                Image.fromarray(rgb).save(d + "/c.jpg", quality=90)
                Image.fromarray(g).save(d + "/g.jpg")
                Image.fromarray(rgb).save(d + "/c.bmp")
                Image.fromarray(rgb).save(d + "/c.webp")
                pages = [Image.fromarray((g.astype(np.uint16) * 250), mode="I;16") for _ in range(3)]
                pages[0].save(d + "/s.tif", save_all=True, append_images=pages[1:], compression="tiff_lzw")
                np.savez(d + "/pneumoniamnist.npz", train_images=rng.integers(0, 255, (5, 28, 28)).astype(np.uint8),
                         train_labels=np.array([[0], [1], [0], [1], [1]], dtype=np.uint8),
                         test_images=rng.integers(0, 255, (2, 28, 28)).astype(np.uint8), test_labels=np.array([[0], [1]], dtype=np.uint8))
                # NIfTI-1: 348-byte header + 4 bytes extension flag + int16 voxels, gzip-compressed.
                hdr = bytearray(348)
                struct.pack_into("<i", hdr, 0, 348)
                struct.pack_into("<8h", hdr, 40, 3, 10, 12, 6, 1, 1, 1, 1)
                struct.pack_into("<hh", hdr, 70, 4, 16)
                struct.pack_into("<8f", hdr, 76, 1, 1, 1, 1, 1, 1, 1, 1)
                struct.pack_into("<f", hdr, 108, 352.0)
                struct.pack_into("<ff", hdr, 112, 1.0, 0.0)
                hdr[344:348] = b"n+1\0"
                vol = rng.integers(-100, 1000, (6, 12, 10)).astype("<i2")
                with gzip.open(d + "/v.nii.gz", "wb") as f: f.write(bytes(hdr) + b"\0\0\0\0" + vol.tobytes())
                # IDX pair.
                imgs = rng.integers(0, 255, (4, 28, 28)).astype(np.uint8)
                with open(d + "/train-images-idx3-ubyte", "wb") as f: f.write(struct.pack(">iiii", 0x803, 4, 28, 28) + imgs.tobytes())
                with open(d + "/train-labels-idx1-ubyte", "wb") as f: f.write(struct.pack(">ii", 0x801, 4) + bytes([1, 2, 3, 4]))
                """);
            foreach (var name in new[] { "CT_small.dcm", "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "JPEG-lossy.dcm" })
                File.Copy(Path.Combine(TestCorpora.Pydicom, name), Dir.File(name));
            Files = Directory.GetFiles(Dir.Path).Where(f => !f.Contains("labels")).Order(StringComparer.Ordinal).ToList();
        }

        public void Dispose() => Dir.Dispose();
    }

    [Fact]
    public void Every_seed_decodes_so_the_mutations_below_start_from_valid_files()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        foreach (var file in _seeds.Files)
            Assert.True(registry.Read(file).Any(), $"{Path.GetFileName(file)} produced no image");
    }

    [Fact]
    public void Truncated_files_fail_cleanly()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        using var dir = new TempDir();
        foreach (var seed in _seeds.Files)
        {
            var bytes = File.ReadAllBytes(seed);
            var cuts = Enumerable.Range(0, 24).Select(i => (int)((long)bytes.Length * i / 24)).Concat([1, 4, 8, 132, 200, 352, bytes.Length - 1]).Distinct();
            foreach (var cut in cuts.Where(c => c >= 0 && c < bytes.Length))
                AssertCleanOutcome(registry, dir, Path.GetFileName(seed), bytes.AsSpan(0, cut).ToArray(), $"{Path.GetFileName(seed)} cut at {cut}");
        }
    }

    [Fact]
    public void Flipped_bytes_fail_cleanly_or_decode()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        var random = new Random(1234);
        using var dir = new TempDir();
        foreach (var seed in _seeds.Files)
        {
            var original = File.ReadAllBytes(seed);
            for (int round = 0; round < 25; round++)
            {
                var bytes = (byte[])original.Clone();
                int flips = 1 + random.Next(8);
                // Headers hold the sizes that readers must distrust, so most flips land in the first 512 bytes.
                for (int k = 0; k < flips; k++)
                    bytes[random.Next(random.Next(4) == 0 ? bytes.Length : Math.Min(512, bytes.Length))] = (byte)random.Next(256);
                AssertCleanOutcome(registry, dir, Path.GetFileName(seed), bytes, $"{Path.GetFileName(seed)} round {round}");
            }
        }
    }

    [Fact]
    public void Random_bytes_behind_every_magic_fail_cleanly()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        var random = new Random(99);
        using var dir = new TempDir();
        byte[][] magics =
        [
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], "BM"u8.ToArray(), "RIFF\0\0\0\0WEBP"u8.ToArray(),
            "II*\0"u8.ToArray(), "MM\0*"u8.ToArray(), [0x1F, 0x8B], "PK\x03\x04"u8.ToArray(), [0, 0, 8, 3], [0x93, .. "NUMPY"u8.ToArray()],
        ];
        foreach (var (name, magic) in new[] { "x.png", "x.jpg", "x.bmp", "x.webp", "x.tif", "y.tif", "x.nii.gz", "x.npz", "train-images-idx3-ubyte", "x.npy" }.Zip(magics))
            for (int round = 0; round < 20; round++)
            {
                var bytes = new byte[random.Next(0, 3000)];
                random.NextBytes(bytes);
                magic.AsSpan(0, Math.Min(magic.Length, bytes.Length)).CopyTo(bytes);
                AssertCleanOutcome(registry, dir, name, bytes, $"{name} random round {round}");
            }
        var dicom = new byte[4000]; random.NextBytes(dicom); "DICM"u8.CopyTo(dicom.AsSpan(128));
        AssertCleanOutcome(registry, dir, "x.dcm", dicom, "dicom random");
    }

    private static void AssertCleanOutcome(ImageReaderRegistry registry, TempDir dir, string name, byte[] bytes, string label)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        var work = Task.Run(() =>
        {
            try { foreach (var image in registry.Read(path)) _ = image.Frame.Data.Length; return (Exception?)null; }
            catch (ImageFormatException) { return null; }
            catch (Exception e) { return e; }
        });
        Assert.True(work.Wait(PerCase), $"{label}: no answer after {PerCase.TotalSeconds} s");
        if (work.Result is { } unexpected) Assert.Fail($"{label}: {unexpected.GetType().Name}: {unexpected.Message}\n{unexpected.StackTrace}");
    }

    private static string Q(string s) => "'" + s.Replace("'", "\\'") + "'";
}
