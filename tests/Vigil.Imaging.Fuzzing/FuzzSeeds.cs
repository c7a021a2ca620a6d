using System.Buffers.Binary;
using System.IO.Compression;

namespace Vigil.Imaging.Fuzzing;

/// <summary>
/// One valid file to mutate. Gzip-wrapped formats keep the inflated bytes in <see cref="Payload"/> so header
/// mutations reach the parser instead of breaking the deflate stream; <see cref="Mutate"/> compresses them again.
/// </summary>
/// <param name="Format">The format's name in reports ("PNG", "DICOM", ...).</param>
/// <param name="Name">Where the seed came from, for reports.</param>
/// <param name="FileName">The name the mutated file is written under (readers resolve by content, then by name).</param>
/// <param name="Payload">The seed's bytes, inflated when <paramref name="Gzip"/>.</param>
/// <param name="Gzip">True when the file on disk is the gzip of <paramref name="Payload"/>.</param>
/// <param name="Fields">The header fields of <paramref name="Payload"/>.</param>
/// <param name="Light">Cheap to decode (in process, small): the test suite's sample uses only these.</param>
/// <param name="Companions">Files written unmutated beside it (an IDX labels file).</param>
/// <param name="Repair">Recomputes the format's own checksums after a mutation (PNG's chunk CRCs); null when it has none.</param>
public sealed record FuzzSeed(string Format, string Name, string FileName, byte[] Payload, bool Gzip,
    IReadOnlyList<HeaderField> Fields, bool Light, IReadOnlyDictionary<string, byte[]>? Companions = null, Func<byte[], byte[]>? Repair = null)
{
    private byte[]? _compressed;

    /// <summary>The seed as it lies on disk: the payload, gzip-compressed when the format is.</summary>
    public byte[] OnDisk => Gzip ? _compressed ??= GzipBytes.Compress(Payload) : Payload;

    /// <summary>The mutation numbered <paramref name="caseSeed"/> of this seed, as written to disk.</summary>
    /// <remarks>
    /// One gzip case in five mutates the compressed bytes, to exercise the inflater's failures as well; three cases
    /// in four of a format with checksums get them repaired.
    /// </remarks>
    public Mutation Mutate(int caseSeed)
    {
        var m = MutateContent(caseSeed);
        return Repair is not null && caseSeed % 4 != 0 ? m with { Bytes = Repair(m.Bytes), Description = m.Description + "; checksums repaired" } : m;
    }

    private Mutation MutateContent(int caseSeed)
    {
        if (Gzip && caseSeed % 5 == 0)
        {
            var raw = Mutator.Apply(OnDisk, [], caseSeed);
            return raw with { Description = "gzip stream: " + raw.Description };
        }
        var m = Mutator.Apply(Payload, Fields, caseSeed);
        return Gzip ? m with { Bytes = GzipBytes.Compress(m.Bytes) } : m;
    }
}

/// <summary>Whole-buffer gzip, for seeds whose files are compressed.</summary>
internal static class GzipBytes
{
    public static byte[] Compress(byte[] payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(payload);
        return output.ToArray();
    }

    public static byte[] Inflate(byte[] gz)
    {
        using var gzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}

/// <summary>Folders holding the real files the seeds come from.</summary>
/// <param name="Pydicom">pydicom's test files (Debian python3-pydicom).</param>
/// <param name="Skimage">scikit-image's sample data (unpacked from Debian python3-skimage by scripts/common.sh).</param>
/// <param name="Mricron">MRIcron's NIfTI templates (Debian mricron-data).</param>
/// <param name="FashionMnist">Fashion-MNIST's IDX files (Debian dataset-fashion-mnist).</param>
/// <param name="TestProject">tests/Vigil.Imaging.Tests, whose fixtures were written by independent encoders (PIL, numpy, nibabel-style struct code).</param>
public sealed record SeedFolders(string Pydicom, string Skimage, string Mricron, string FashionMnist, string TestProject)
{
    /// <summary>The Debian locations, with scikit-image's data and the test project under <paramref name="repositoryRoot"/>.</summary>
    public static SeedFolders Debian(string repositoryRoot, string? testData = null) => new(
        "/usr/lib/python3/dist-packages/pydicom/data/test_files",
        Path.Combine(testData ?? Path.Combine(repositoryRoot, ".build", "testdata"), "skimage"),
        "/usr/share/mricron/templates",
        "/usr/share/datasets/fashion-mnist",
        Path.Combine(repositoryRoot, "tests", "Vigil.Imaging.Tests"));
}

/// <summary>The seed files of every format the default registry reads: real files from real sources, several per format.</summary>
public static class FuzzSeeds
{
    /// <summary>Formats in report order.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["PNG", "JPEG", "BMP", "WebP", "TIFF", "DICOM", "NIfTI", "NPZ", "NPY", "IDX"];

    /// <summary>Loads every seed; a missing file fails with its path (a corpus that is not installed is an error, not a skip).</summary>
    public static IReadOnlyList<FuzzSeed> Load(SeedFolders at)
    {
        string Skimage(string n) => Path.Combine(at.Skimage, n);
        string Fixture(string n) => Path.Combine(at.TestProject, n);
        string Dicom(string n) => Path.Combine(at.Pydicom, n);
        var seeds = new List<FuzzSeed>();
        void Add(string format, string path, Func<byte[], IReadOnlyList<HeaderField>> fields, bool light = true, string? fileName = null)
        {
            var bytes = Require(path);
            bool gzip = bytes.Length > 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
            if (gzip) bytes = GzipBytes.Inflate(bytes);
            seeds.Add(new(format, Relative(path), fileName ?? Path.GetFileName(path), bytes, gzip, fields(bytes), light,
                Repair: format == "PNG" ? Checksums.RepairPng : null));
        }

        foreach (var n in new[] { "chessboard_GRAY.png", "palette_color.png", "microaneurysms.png", "phantom.png" }) Add("PNG", Skimage(n), HeaderFields.Png);
        foreach (var n in new[] { "grey4_adam7_13x11.png", "rgb16_trns_7x5.png" }) Add("PNG", Fixture($"Png/Fixtures/{n}"), HeaderFields.Png);
        Add("JPEG", Skimage("rocket.jpg"), HeaderFields.Jpeg);
        Add("JPEG", Fixture("Fuzz/Seeds/chelsea_progressive.jpg"), HeaderFields.Jpeg);
        foreach (var n in new[] { "chelsea_24bit.bmp", "chelsea_palette.bmp", "chelsea_grey.bmp" }) Add("BMP", Fixture($"Fuzz/Seeds/{n}"), HeaderFields.Bmp);
        foreach (var n in new[] { "chelsea_lossy.webp", "chelsea_lossless.webp" }) Add("WebP", Fixture($"Fuzz/Seeds/{n}"), HeaderFields.WebP);
        foreach (var n in new[] { "multipage.tif", "multipage_rgb.tif", "chessboard_GRAY_U16B.tif" }) Add("TIFF", Skimage(n), HeaderFields.Tiff);
        foreach (var n in new[] { "CT_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "SC_rgb_small_odd.dcm" }) Add("DICOM", Dicom(n), HeaderFields.Dicom);
        // The JPEG family goes through gdcmconv in a child process: one process per case, so the bench only.
        foreach (var n in new[] { "JPEG-lossy.dcm", "MR_small_jpeg_ls_lossless.dcm" }) Add("DICOM", Dicom(n), HeaderFields.Dicom, light: false);
        Add("NIfTI", Path.Combine(at.Mricron, "JHU-WhiteMatter-labels-2mm.nii.gz"), HeaderFields.Nifti, light: false);
        foreach (var n in new[] { "be_int16_4d.nii", "le_float64.nii.gz", "int8.nii" }) Add("NIfTI", Fixture($"Nifti/Fixtures/{n}"), HeaderFields.Nifti);
        foreach (var n in new[] { "chessboard_GRAY_U8.npz", "chessboard_RGB_U8.npz" }) Add("NPZ", Skimage(n), HeaderFields.Npz);
        Add("NPZ", Fixture("Numpy/Fixtures/pneumoniamnist.npz"), HeaderFields.Npz);
        foreach (var n in new[] { "chessboard_GRAY_U8.npy", "chessboard_RGB_U8.npy" }) Add("NPY", Skimage(n), HeaderFields.Npy);
        Add("NPY", Fixture("Numpy/Fixtures/stack_be_u2.npy"), HeaderFields.Npy);
        seeds.AddRange(FashionMnistPrefix(at.FashionMnist, 32));
        Add("IDX", Fixture("Idx/Fixtures/types/short-images-idx3"), HeaderFields.Idx, fileName: "short-images-idx3-ubyte");
        return seeds;
    }

    // Fashion-MNIST's test images and labels, cut to their first images with the counts set to match: the real
    // headers and pixels at a size that decodes in well under a millisecond. Plain and gzip-compressed.
    private static IEnumerable<FuzzSeed> FashionMnistPrefix(string folder, int count)
    {
        var images = Prefix(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), 16 + count * 28 * 28, count);
        var labels = Prefix(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), 8 + count, count);
        var plain = new Dictionary<string, byte[]> { ["t10k-labels-idx1-ubyte"] = labels };
        yield return new("IDX", "fashion-mnist/t10k-images-idx3-ubyte.gz (first 32)", "t10k-images-idx3-ubyte", images, false, HeaderFields.Idx(images), true, plain);
        var packed = new Dictionary<string, byte[]> { ["t10k-labels-idx1-ubyte.gz"] = GzipBytes.Compress(labels) };
        yield return new("IDX", "fashion-mnist/t10k-images-idx3-ubyte.gz (first 32, gzip)", "t10k-images-idx3-ubyte.gz", images, true, HeaderFields.Idx(images), true, packed);
    }

    private static byte[] Prefix(string gzPath, int bytes, int count)
    {
        using var gzip = new GZipStream(new MemoryStream(Require(gzPath)), CompressionMode.Decompress);
        var head = new byte[bytes];
        gzip.ReadExactly(head);
        BinaryPrimitives.WriteInt32BigEndian(head.AsSpan(4), count);
        return head;
    }

    private static byte[] Require(string path) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"seed file not found: {path} (install the test corpora: scripts/common.sh)", path);

    private static string Relative(string path) => Path.Combine(Path.GetFileName(Path.GetDirectoryName(path)) ?? "", Path.GetFileName(path));
}
