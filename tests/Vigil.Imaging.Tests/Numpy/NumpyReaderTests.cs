using System.IO.Compression;
using Vigil.Imaging.Numpy;
using Vigil.Imaging.Tests.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Numpy;

/// <summary>
/// NpzReader and NpyReader against files numpy wrote (make_numpy_fixtures.py, committed beside this file, or written
/// by numpy during the test) with the expected pixels, labels and splits computed by numpy.
/// </summary>
public sealed class NumpyReaderTests
{
    internal static string Fixture(string name) => Path.Combine(TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests", "Numpy", "Fixtures", name);

    // file, key, width, height, channels, bit depth, SHA-256 of the frame, label, official split ("" = none)
    public static TheoryData<string, string, int, int, int, int, string, string?, string> Expected => new()
    {
        { "pneumoniamnist.npz", "train-00000", 28, 28, 1, 8, "49a37ff975400bafe1ce1d3159192c6d084d3e5a359f860b51f8d1b0933f841c", "normal", "train" },
        { "pneumoniamnist.npz", "train-00001", 28, 28, 1, 8, "6a6689986ae5ec159096027f77b34062570286b0640b788a23efde97c96474b8", "normal", "train" },
        { "pneumoniamnist.npz", "train-00002", 28, 28, 1, 8, "243b992b6d821d79bea60f12b0fc3c58b0e66d9a68ddb39ee183692d42be3183", "normal", "train" },
        { "pneumoniamnist.npz", "train-00003", 28, 28, 1, 8, "85ce71f5483920f3022b30350663287bec02ebd56bd4a97695f95d8869eaef99", "normal", "train" },
        { "pneumoniamnist.npz", "train-00004", 28, 28, 1, 8, "dc38b4114632177c452ae667b6a31b2fc361bce206dad1b77c1ddf17e6335488", "normal", "train" },
        { "pneumoniamnist.npz", "train-00005", 28, 28, 1, 8, "5e2b80fe34915aeb5693d240f172198e596085202265d5a2dfbe9c6cee36141a", "pneumonia", "train" },
        { "pneumoniamnist.npz", "val-00000", 28, 28, 1, 8, "4fdd535ea7f397109f1b18fd69798e79afae5c439e99f694b9e593614f3ca6d9", "normal", "val" },
        { "pneumoniamnist.npz", "val-00001", 28, 28, 1, 8, "677137a3a0117772ee28f093db0de2f16c9af43b63a06f9a4287120761aa9e4c", "normal", "val" },
        { "pneumoniamnist.npz", "test-00000", 28, 28, 1, 8, "93cfb7fff1938835c3246a87183d8d7413366480769b993567c8cb08f8e9f19d", "pneumonia", "test" },
        { "pneumoniamnist.npz", "test-00001", 28, 28, 1, 8, "773c2c26e1c3f3caebdf23b7c49a557ffdd1564e46ea9815d369193416699077", "pneumonia", "test" },
        { "pneumoniamnist.npz", "test-00002", 28, 28, 1, 8, "513861b1fcacc4eee9717509beec4eb24aaf28d786f4ac3475f8052b906db78e", "normal", "test" },
        { "chestmnist.npz", "train-00000", 28, 28, 1, 8, "d5e5cc28a4f9de55a345a993299076f0f9242917a5ca80ff2eff5dd32f76f076", "normal", "train" },
        { "chestmnist.npz", "train-00001", 28, 28, 1, 8, "2dfb2356b5dfcec380dd7d3f07a95cf8c4f61ccdeee6e1f5b15c90f4f7a3be8a", "pneumonia", "train" },
        { "chestmnist.npz", "train-00002", 28, 28, 1, 8, "6385506184f9da367c29821cc57aa872bf65a44836e05afdb47d38cbeb4c0156", "atelectasis|infiltration|hernia", "train" },
        { "chestmnist.npz", "train-00003", 28, 28, 1, 8, "fb74838579a4d276e06d20e83c7377439f0bb7cd18d56d5eca66a9620bf732f7", "normal", "train" },
        { "chestmnist.npz", "train-00004", 28, 28, 1, 8, "dfeef0bd149aacb67fc83988fe5772adf99357bb670f3f17664cac5c9db03a8f", "effusion", "train" },
        { "chestmnist.npz", "test-00000", 28, 28, 1, 8, "b677315ab2eacda9b9c12ec05ae60849f9620f3b13b42bfe97eae715d5738567", "normal", "test" },
        { "dermamnist_64.npz", "val-00000", 6, 8, 3, 8, "0aa48bc0bb6eed8151eaadaf22e8d8c44b10916bcb4195e6330a3ce944076b7f", "melanocytic nevi", "val" },
        { "dermamnist_64.npz", "val-00001", 6, 8, 3, 8, "ebd5e26a83d71b91e98b7741deffe84b46973e8e7979aaeb99ab03b657394e93", "melanoma", "val" },
        { "dermamnist_64.npz", "val-00002", 6, 8, 3, 8, "fba02f91233d0ca224b1d92928c7ad8088a192583c158800f75fbce1797a0a70", "actinic keratoses and intraepithelial carcinoma", "val" },
        { "dermamnist_64.npz", "val-00003", 6, 8, 3, 8, "855d1f1ae7776c4d30a67776895350fc53190d04454400842227dce24bada288", "vascular lesions", "val" },
        { "custom_float.npz", "image-00000", 4, 5, 1, 8, "f7b971271fc7052a87cc74b967432dc56ea8c479411a27567c25f7cf7ff0b973", "0", "" },
        { "custom_float.npz", "image-00001", 4, 5, 1, 8, "50ff1eab5997c8b9dc93ea4750d8b22f046bd50ccdadcaf1f785adcf011fa53e", "12", "" },
        { "custom_float.npz", "image-00002", 4, 5, 1, 8, "62b7d2bcfee263317e33730a21cdbd162dda5accca706de7e8c1ab84e5d16801", "3", "" },
        { "custom_float.npz", "image-00003", 4, 5, 1, 8, "6b34a856e4815a17f3e838a2e07f974dec6fc2207deec078fb6daf505a4a7179", null, "" },
        { "custom_float.npz", "image-00004", 4, 5, 1, 8, "11c92deb25d263edcce59c76553397f5bacf034f35dbe916edb8ee0ca6b9b3e0", "7", "" },
        { "keras_mnist.npz", "train-00000", 7, 6, 1, 16, "7e7d4edd055976aacc8d24cad721901e4142fae758e6a7b933cd1de4c463e83d", "1", "train" },
        { "keras_mnist.npz", "train-00001", 7, 6, 1, 16, "7db4a48565833d9fd90ce32c2a05cc7d6c4696b5b1618c69d49b95f96de0fd52", "9", "train" },
        { "keras_mnist.npz", "train-00002", 7, 6, 1, 16, "6c0cf209a004252a63934dd220a9d73978d97507a4b273a0ffc126fa6fc68159", "4", "train" },
        { "keras_mnist.npz", "test-00000", 7, 6, 1, 16, "760bbbfa3944a7bc9d03bca63a315c89c3d56386ab0f3635da53280c88912229", "0", "test" },
        { "keras_mnist.npz", "test-00001", 7, 6, 1, 16, "ada1f28c2ff47e14f86d0d66f3c37b1ecda462cf5f07d25a56083e75a04392bc", "2", "test" },
        { "single_u16.npy", "", 5, 9, 1, 16, "55cf17fa3d6306dfeb1b2251e3df5db7c983de120f5c283b0d768c185b4eacb1", null, "" },
        { "single_rgb.npy", "", 5, 4, 3, 8, "dc584fed7ac9a7ce00f7e4bd69b6fb59f77671f88982794b566a2c27a74fde7c", null, "" },
        { "single_rgba.npy", "", 5, 6, 3, 8, "058861e7b242942b19a3cd723446c77b0e219489cecff35b6639915b0720feb9", null, "" },
        { "stack_i16_neg.npy", "image-00000", 6, 4, 1, 16, "50f4b447489cdcac2c08658813f6a562cc0f053ecbde415cd04f81567a7b834b", null, "" },
        { "stack_i16_neg.npy", "image-00001", 6, 4, 1, 16, "47a91d3de7faf41fa553f5943f58c379fe3e82b32214387bb558d48bc64ec03d", null, "" },
        { "stack_i16_neg.npy", "image-00002", 6, 4, 1, 16, "305a569f85369e199192bc887da20c730587d466a71def2766107d24240a79ed", null, "" },
        { "stack_fortran_u8.npy", "image-00000", 5, 4, 1, 8, "df4d1d68cc67a654091dfc84a33f0c2225741226c4e5e29172f699bdf2b92e40", null, "" },
        { "stack_fortran_u8.npy", "image-00001", 5, 4, 1, 8, "003dddd3417344f8ecd20b4168601d3027359f1bc12ac7a8d405e918a5680a9f", null, "" },
        { "stack_fortran_u8.npy", "image-00002", 5, 4, 1, 8, "80cf8cb8458ed2d252f6db52cb9710628193ae5f04df3319cfc8f73fae26a90e", null, "" },
        { "stack_be_u2.npy", "image-00000", 4, 3, 1, 16, "8af074a830d6f1388b63d744db5015f2f678594c1721288b1036c92f0a4dd7e4", null, "" },
        { "stack_be_u2.npy", "image-00001", 4, 3, 1, 16, "f7e2031e7dae5c39e946010c93415cf4eea6505ea05000a5b47eae4beb8505b4", null, "" },
        { "mask_bool.npy", "", 7, 6, 1, 8, "05db146cd0e741ea223909a9258f416960c8c0e5cf82d298c340c1583515b162", null, "" },
        { "stack_f64_nan.npy", "image-00000", 4, 4, 1, 16, "582dda710e6e857a128dac7431644fa45e45acc8317f22a4af28995b241a5285", null, "" },
        { "stack_f64_nan.npy", "image-00001", 4, 4, 1, 16, "72aa5ee29bbb0182901b7c6988b147c13ba96f1fc5c85b53336cd065b75bfb50", null, "" },
        { "stack_chw_u8.npy", "image-00000", 5, 4, 3, 8, "ba7089ceffd44d714026585f86d16713ae622ca5666d60a4e4fd097a9e4cd00e", null, "" },
        { "stack_chw_u8.npy", "image-00001", 5, 4, 3, 8, "4d94a84d34698aaf0c0dce5346c907162209ccf4eeeff3a2df7fe82f8f2b0fca", null, "" },
        { "stack_nhwc1_f16.npy", "image-00000", 3, 3, 1, 16, "9272e192d53808471ae2ce8a066819cc2a58470d4f49b13c83f603febae2a897", null, "" },
        { "stack_nhwc1_f16.npy", "image-00001", 3, 3, 1, 16, "0cb9a8bed5a95c9f355b26bf04550eb27a0ad6c9988c6826d28d2cf4516f97f2", null, "" },
        { "v2_header_u8.npy", "image-00000", 3, 3, 1, 8, "c58490706af3eabac3dff2783a300de2af9a0c016c877a9ccc17f03212b3c20f", null, "" },
        { "v2_header_u8.npy", "image-00001", 3, 3, 1, 8, "e8c1d8a460f83629050204e21864343310788cc75a62efd472b969322fbf3719", null, "" },
        { "v3_header_i64.npy", "image-00000", 3, 3, 1, 8, "0e42626283b73620e14f199501b632f6f3529b6ad3551a54e3e6b9c1f7d95075", null, "" },
        { "v3_header_i64.npy", "image-00001", 3, 3, 1, 8, "d1345b6af06f6bc21800a0332fc472b1c03de9c21f460d6832f024c8d9dd01b7", null, "" },
    };

    public static TheoryData<string> Files => new(Expected.Select(r => (string)r[0]).Distinct());

    [Theory]
    [MemberData(nameof(Files))]
    public void File_decodes_to_what_numpy_holds(string file)
    {
        var expected = Expected.Where(r => (string)r[0] == file).ToList();
        IImageReader reader = file.EndsWith(".npz", StringComparison.Ordinal) ? new NpzReader() : new NpyReader();
        var images = reader.Read(Fixture(file), ImageReadOptions.Default).ToList();
        Assert.Equal(expected.Select(r => (string)r[1]), images.Select(i => i.Key));
        foreach (var (row, image) in expected.Zip(images))
        {
            PngFiles.AssertFrame(image.Frame, (int)row[2], (int)row[3], (int)row[4], (int)row[5], (string)row[6]);
            Assert.Equal((string?)row[7], image.Metadata.Label);
            Assert.Equal((string)row[8] is { Length: > 0 } split ? split : null, image.Metadata.OfficialSplit);
        }
    }

    [Fact]
    public void MedMnist_file_carries_catalog_facts()
    {
        var image = new NpzReader().Read(Fixture("pneumoniamnist.npz"), ImageReadOptions.Default).First();
        Assert.Equal("X-ray", image.Metadata.Modality);
        Assert.Equal("chest", image.Metadata.BodyPart);
        Assert.Equal("pneumoniamnist", image.Metadata.Extra["medmnist"]);
        Assert.Equal("train_images", image.Metadata.Extra["array"]);
    }

    [Fact]
    public void Stretched_arrays_record_their_mapping()
    {
        var extra = new NpyReader().Read(Fixture("stack_i16_neg.npy"), ImageReadOptions.Default).First().Metadata.Extra;
        Assert.Equal("int16", extra["dtype"]);
        Assert.True(double.Parse(extra["intensity_offset"], System.Globalization.CultureInfo.InvariantCulture) < 0);
        Assert.Equal("1", extra["intensity_scale"]);
    }

    [Fact]
    public void Npz_written_by_numpy_now_reads_pixel_exact()
    {
        // numpy writes a deflated MedMNIST-shaped file plus the raw pixels and labels it holds.
        using var dir = new TempDir();
        DebianPython.Run($$"""
            import numpy as np
            rng = np.random.default_rng(2024)
            images = rng.integers(0, 256, size=(40, 28, 28), dtype=np.uint8)
            labels = rng.integers(0, 4, size=(40, 1), dtype=np.uint8)
            np.savez_compressed("{{dir.File("octmnist.npz")}}", test_images=images, test_labels=labels)
            open("{{dir.File("pixels.bin")}}", "wb").write(images.tobytes())
            open("{{dir.File("labels.txt")}}", "w").write(",".join(str(int(v)) for v in labels[:, 0]))
            """);
        var pixels = File.ReadAllBytes(dir.File("pixels.bin"));
        var labels = File.ReadAllText(dir.File("labels.txt")).Split(',').Select(int.Parse).ToArray();
        var names = MedMnistCatalog.Find("octmnist")!.Labels;
        var images = new NpzReader().Read(dir.File("octmnist.npz"), ImageReadOptions.Default).ToList();
        Assert.Equal(40, images.Count);
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(pixels.AsSpan(i * 784, 784).ToArray(), images[i].Frame.Data);
            Assert.Equal(names[labels[i]], images[i].Metadata.Label);
            Assert.Equal("test", images[i].Metadata.OfficialSplit);
            Assert.Equal($"test-{i:D5}", images[i].Key);
        }
    }

    [Theory]
    [InlineData("object.npy", "pickled")]
    [InlineData("complex.npy", "complex")]
    [InlineData("organmnist3d.npz", "3D volumes")]
    [InlineData("label_mismatch.npz", "to match the images")]
    [InlineData("huge_shape.npy", "truncated")]
    [InlineData("bad_header.npy", "malformed")]
    public void Bad_files_fail_clearly(string file, string message)
    {
        IImageReader reader = file.EndsWith(".npz", StringComparison.Ordinal) ? new NpzReader() : new NpyReader();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => reader.Read(Fixture(file), ImageReadOptions.Default).ToList());
        Assert.Contains(message, e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "allocated too much for a bad file");
    }

    [Fact]
    public void Signatures_pick_npy_and_npz_but_not_other_zips()
    {
        Assert.True(new NpyReader().MatchesSignature(File.ReadAllBytes(Fixture("single_rgb.npy"))));
        Assert.True(new NpzReader().MatchesSignature(File.ReadAllBytes(Fixture("chestmnist.npz")).AsSpan(0, 512)));
        using var other = new MemoryStream();
        using (var zip = new ZipArchive(other, ZipArchiveMode.Create, leaveOpen: true))
            using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open())) writer.Write("not an array");
        Assert.False(new NpzReader().MatchesSignature(other.ToArray()));
    }
}
