using Vigil.Imaging.Idx;
using Vigil.Imaging.Tests.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Idx;

/// <summary>
/// IdxReader against numpy-computed values (make_idx_fixtures.py): hand-packed fixtures of every IDX type, and
/// Debian's Fashion-MNIST files (dataset-fashion-mnist).
/// </summary>
public sealed class IdxReaderTests
{
    private static readonly IdxReader Reader = new();
    private const string FashionDir = "/usr/share/datasets/fashion-mnist";
    private static string Fixture(string rel) => Path.Combine(TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests", "Idx", "Fixtures", rel);

    // file, key, width, height, bit depth, SHA-256, label (from make_idx_fixtures.py)
    public static TheoryData<string, string, int, int, int, string, string?> Expected => new()
    {
        { "digits/train-images-idx3-ubyte", "train-00000", 6, 5, 8, "62f23b001bbf98b7fead800c9a6c19a45d8feb36287816e763a934ad26801be1", "3" },
        { "digits/train-images-idx3-ubyte", "train-00001", 6, 5, 8, "1de06b0a019c6c793d11413ef43489493d4fd4381b96338c61409a12e70eda5f", "0" },
        { "digits/train-images-idx3-ubyte", "train-00002", 6, 5, 8, "757b248891443f022bf04c5fc01de6c92784218b8cc9cc9199d8043f177346b0", "9" },
        { "digits/train-images-idx3-ubyte", "train-00003", 6, 5, 8, "47b4c935adff6b02fc10342f37adc69df710ca51aa87180472a213770da5fb58", "7" },
        { "kaggle/t10k-images.idx3-ubyte.gz", "test-00000", 4, 4, 8, "3e703f3342957001fa6dfd4315a199156819d2c2043ef03c2ec834c0aa583e3f", "1" },
        { "kaggle/t10k-images.idx3-ubyte.gz", "test-00001", 4, 4, 8, "f44d505726fd7dc36b37459b13dabc2025a50a04fafb26a71ecc1ee88de533e4", "2" },
        { "kaggle/t10k-images.idx3-ubyte.gz", "test-00002", 4, 4, 8, "3d0e9159cf2d5652cf57dcf915c5906bb574727cd86d140cea2ed03f35dc8fcc", "12" },
        { "types/sbyte-images-idx3", "image-00000", 4, 3, 16, "d6b44047167a426f3b05ef43805aa6fa3ac092d9239875d5df83106179649564", null },
        { "types/sbyte-images-idx3", "image-00001", 4, 3, 16, "a1321c3cf955d5ecccf184d5da8152086692df720c7ed6ade596ae1325b64357", null },
        { "types/short-images-idx3", "image-00000", 4, 3, 16, "d5753600a3db582e7cbeabfa7eadcf58f4683822f86ed35becbbeda5ed8dfcc3", null },
        { "types/short-images-idx3", "image-00001", 4, 3, 16, "1647e749b9591e75a2950668cc9ddcbfc44525a72aa59969ae5a3838233f3739", null },
        { "types/int-images-idx3", "image-00000", 4, 3, 16, "78cf6c62cfa394045ad4eb538cef5a4036775e13446365e65004569dffcb992c", null },
        { "types/int-images-idx3", "image-00001", 4, 3, 16, "3b12b13ae8faaa6f65d17cbe349ffbdb88bc98ba6c899a67f01126b951ab9312", null },
        { "types/float-images-idx3", "image-00000", 4, 3, 8, "13c048bbdf6cdb749f8f7cdad77d00e114b93cac2a1c1d67c70bf33370b64c71", null },
        { "types/float-images-idx3", "image-00001", 4, 3, 8, "3ae11af57511d0046a678a71736e4251810ddd0ebe0817e0ccd150c4492ab841", null },
        { "types/double-images-idx3", "image-00000", 4, 3, 16, "c1f6e62e2afb292ce1ee92cee08d270d145a7aaf7cdb60c26d99cc654d853693", null },
        { "types/double-images-idx3", "image-00001", 4, 3, 16, "9bf3665aea0679bf905d5978835988df1cadd1649ff9257bfc9ffca3267e8737", null },
    };

    public static TheoryData<string> Files => new(Expected.Select(r => (string)r[0]).Distinct());

    [Theory]
    [MemberData(nameof(Files))]
    public void Fixture_decodes_to_what_numpy_holds(string file)
    {
        var expected = Expected.Where(r => (string)r[0] == file).ToList();
        var images = Reader.Read(Fixture(file), ImageReadOptions.Default).ToList();
        Assert.Equal(expected.Select(r => (string)r[1]), images.Select(i => i.Key));
        foreach (var (row, image) in expected.Zip(images))
        {
            PngFiles.AssertFrame(image.Frame, (int)row[2], (int)row[3], 1, (int)row[4], (string)row[5]);
            Assert.Equal((string?)row[6], image.Metadata.Label);
        }
    }

    [Fact]
    public void Fashion_mnist_train_matches_numpy()
    {
        var images = Reader.Read(TestCorpora.File(FashionDir, "train-images-idx3-ubyte.gz"), ImageReadOptions.Default);
        long count = 0, total = 0;
        var histogram = new Dictionary<string, int>();
        DecodedImage? first = null, last = null;
        foreach (var image in images)
        {
            first ??= image;
            last = image;
            count++;
            foreach (var b in image.Frame.Data) total += b;
            histogram[image.Metadata.Label!] = histogram.GetValueOrDefault(image.Metadata.Label!) + 1;
            Assert.Equal("train", image.Metadata.OfficialSplit);
        }
        Assert.Equal(60000, count);
        Assert.Equal(3431114169L, total);
        Assert.Equal((28, 28, 1, 8), (first!.Frame.Width, first.Frame.Height, first.Frame.Channels, first.Frame.BitDepth));
        Assert.Equal(76247, first.Frame.Data.Sum(b => (long)b));
        Assert.Equal(217, first.Frame.Data[14 * 28 + 14]);
        Assert.Equal(16684, last!.Frame.Data.Sum(b => (long)b));
        Assert.Equal("Ankle boot", first.Metadata.Label);   // label 9
        Assert.Equal("Sandal", last.Metadata.Label);        // label 5
        Assert.Equal(("train-00000", "train-59999"), (first.Key, last.Key));
        Assert.Equal(10, histogram.Count);
        Assert.All(IdxFileNames.FashionClasses, name => Assert.Equal(6000, histogram[name]));
    }

    [Fact]
    public void Fashion_mnist_test_matches_numpy()
    {
        var images = Reader.Read(TestCorpora.File(FashionDir, "t10k-images-idx3-ubyte.gz"), ImageReadOptions.Default).ToList();
        Assert.Equal(10000, images.Count);
        Assert.Equal(573469082L, images.Sum(i => i.Frame.Data.Sum(b => (long)b)));
        Assert.Equal(33456, images[0].Frame.Data.Sum(b => (long)b));
        Assert.Equal(24390, images[^1].Frame.Data.Sum(b => (long)b));
        Assert.Equal(["Ankle boot", "Pullover", "Trouser", "Trouser", "Shirt"], images.Take(5).Select(i => i.Metadata.Label));
        Assert.All(images, i => Assert.Equal("test", i.Metadata.OfficialSplit));
        Assert.All(IdxFileNames.FashionClasses, name => Assert.Equal(1000, images.Count(i => i.Metadata.Label == name)));
    }

    [Fact]
    public void Images_are_decoded_one_at_a_time_as_they_are_taken()
    {
        // Streaming is what lets organize take 70,000 images without holding them; its speed is the organize-idx
        // benchmark's figure. The file's 7.8 MB of pixels would show here if they were read ahead.
        var path = TestCorpora.File(FashionDir, "t10k-images-idx3-ubyte.gz");
        Reader.Read(path, ImageReadOptions.Default).Take(1).ToList(); // first-call costs (type loading) out of the count
        long before = GC.GetAllocatedBytesForCurrentThread();
        var first = Reader.Read(path, ImageReadOptions.Default).Take(1).ToList();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(28 * 28, Assert.Single(first).Frame.Data.Length);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes for one image");
    }

    [Fact]
    public void Signature_and_names()
    {
        Assert.True(Reader.MatchesSignature(File.ReadAllBytes(TestCorpora.File(FashionDir, "train-images-idx3-ubyte.gz")).AsSpan(0, 512)));
        Assert.True(Reader.MatchesSignature(File.ReadAllBytes(Fixture("digits/train-images-idx3-ubyte")).AsSpan(0, 16)));
        Assert.False(Reader.MatchesSignature(File.ReadAllBytes(Fixture("digits/train-labels-idx1-ubyte"))));
        Assert.Equal(Fixture("kaggle/t10k-labels.idx1-ubyte.gz"), IdxFileNames.LabelsFileFor(Fixture("kaggle/t10k-images.idx3-ubyte.gz")));
        Assert.Null(IdxFileNames.LabelsFileFor(Fixture("types/int-images-idx3")));
        Assert.Equal("test", IdxFileNames.OfficialSplit("/x/t10k-images-idx3-ubyte"));
        Assert.Null(IdxFileNames.OfficialSplit("/x/emnist-images-idx3-ubyte"));
        Assert.Same(IdxFileNames.FashionClasses, IdxFileNames.ClassNames("/data/Fashion-MNIST/train-images-idx3-ubyte"));
        Assert.Same(IdxFileNames.DigitClasses, IdxFileNames.ClassNames("/data/mnist/train-images-idx3-ubyte"));
    }

    [Theory]
    [InlineData("mismatch/train-images-idx3-ubyte", "2 labels")]
    [InlineData("truncated/train-images-idx3-ubyte", "truncated")]
    [InlineData("digits/train-labels-idx1-ubyte", "labels file")]
    public void Bad_files_fail_clearly(string file, string message)
    {
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(Fixture(file), ImageReadOptions.Default).ToList());
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("truncated/t10k-images-idx3-ubyte.gz")]
    [InlineData("huge/train-images-idx3-ubyte.gz")]
    public void Compressed_files_shorter_than_declared_stop_where_the_data_ends(string file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        int yielded = 0;
        var e = Assert.Throws<ImageFormatException>(() => { foreach (var _ in Reader.Read(Fixture(file), ImageReadOptions.Default)) yielded++; });
        Assert.Contains("truncated", e.Message);
        Assert.True(yielded <= 2, $"{yielded} images before the error");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20);
    }

    [Theory]
    [InlineData("digits/train-images-idx3-ubyte")]
    [InlineData("kaggle/t10k-images.idx3-ubyte.gz")]
    [InlineData("types/double-images-idx3")]
    public void Mutated_fixtures_fail_cleanly(string file)
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Fixture(file));
        var name = Path.GetFileName(file);
        ReaderMutations.Truncations(Reader, bytes, dir.Path, name);
        ReaderMutations.ByteFlips(Reader, bytes, dir.Path, name);
        ReaderMutations.RandomBodies(Reader, bytes, 4, dir.Path, name);
    }
}
