using Vigil.Datasets.Tests.Support;
using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.Datasets.Tests;

/// <summary>Sources whose images are written as PNG under images/: npz, IDX, DICOM, NIfTI.</summary>
public class ContainerSourceTests
{
    private const string DicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private const string Ch2 = "/usr/share/mricron/templates/ch2.nii.gz";

    // MedMNIST layout: {split}_images (n,28,28) uint8 and {split}_labels (n,1); pixel (y,x) of image i = (7i + x + 3y) % 256.
    private const string NpzScript = """
        import sys, numpy as np
        path, n_train, n_val, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        arrays, start = {}, 0
        for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
            if n == 0: continue
            i = np.arange(start, start + n).reshape(-1, 1, 1)
            y = np.arange(28).reshape(1, -1, 1); x = np.arange(28).reshape(1, 1, -1)
            arrays[split + "_images"] = ((7 * i + x + 3 * y) % 256).astype(np.uint8)
            arrays[split + "_labels"] = (np.arange(start, start + n) % 2).reshape(-1, 1).astype(np.uint8)
            start += n
        np.savez(path, **arrays)
        """;

    private static string WriteNpz(TempFolder tmp, string name, int train, int val, int test)
    {
        var path = tmp.File(name);
        Python.Run(NpzScript, path, train.ToString(), val.ToString(), test.ToString());
        return path;
    }

    [Fact]
    public void Npz_in_medmnist_layout_keeps_official_splits_catalog_labels_region_and_modality()
    {
        using var tmp = new TempFolder();
        var npz = WriteNpz(tmp, "pneumoniamnist.npz", 40, 10, 12);

        var result = Organize.Run(tmp.Sub("out"), "pneu", npz);

        var m = result.Metadata;
        Assert.Equal(62, m.NumImages);
        Assert.Equal(62, m.ImagesWritten);
        Assert.Equal(["normal", "pneumonia"], m.Classes);
        Assert.Equal("normal", m.NormalClass);
        Assert.Equal("official", m.SplitMethod);
        Assert.Equal(40, m.ClassCounts["train"].Values.Sum());
        Assert.Equal(10, m.ClassCounts["val"].Values.Sum());
        Assert.Equal(12, m.ClassCounts["test"].Values.Sum());
        Assert.Equal(62, m.Regions["chest"]);
        Assert.Equal(62, m.Modalities["X-ray"]);

        // Written images decode to exactly the array's pixels (lossless), and their hash is the one recorded.
        var rows = Organize.Rows(result, "labeled.csv");
        var first = rows.Single(r => r["source"].EndsWith("#train-00003"));
        Assert.StartsWith("images/", first["path"]);
        var frame = new PngReader().Read(Path.Combine(result.DatasetPath, first["path"]), ImageReadOptions.Default).Single().Frame;
        Assert.Equal((28, 28, 8), (frame.Width, frame.Height, frame.BitDepth));
        Assert.Equal((byte)((7 * 3 + 5 + 3 * 2) % 256), frame.Data[2 * 28 + 5]);
        Assert.Equal(first["content_hash"], ContentHash.Of(frame));
        Assert.Equal("pneumonia", first["label"]); // index 3 → label 1
    }

    [Fact]
    public void Npz_normal_class_comes_from_the_catalog_when_no_class_has_a_conventional_name()
    {
        using var tmp = new TempFolder();
        var npz = WriteNpz(tmp, "breastmnist.npz", 20, 4, 6);

        var result = Organize.Run(tmp.Sub("out"), "breast", npz);

        Assert.Equal(["malignant", "normal, benign"], result.Metadata.Classes);
        Assert.Equal("normal, benign", result.Metadata.NormalClass);
        Assert.Equal("catalog", result.Metadata.NormalClassSource);
        Assert.Equal(30, result.Metadata.Modalities["ultrasound"]);
    }

    [Fact]
    public void Npz_with_train_and_test_only_gets_a_stratified_validation_split_carved_from_train()
    {
        using var tmp = new TempFolder();
        var npz = WriteNpz(tmp, "pneumoniamnist.npz", 100, 0, 30);

        var result = Organize.Run(tmp.Sub("out"), "carved", npz);

        var m = result.Metadata;
        Assert.Equal("official+val-carved", m.SplitMethod);
        Assert.Equal(30, m.ClassCounts["test"].Values.Sum());
        // val gets 15/(70+15) of the official train split, per class.
        Assert.InRange(m.ClassCounts["val"]["normal"], 8, 10);
        Assert.InRange(m.ClassCounts["val"]["pneumonia"], 8, 10);
        Assert.Equal(100, m.ClassCounts["train"].Values.Sum() + m.ClassCounts["val"].Values.Sum());
    }

    [Fact]
    public void Idx_pair_gives_fashion_labels_official_splits_and_pngs()
    {
        using var tmp = new TempFolder();
        var folder = tmp.Sub("fashion-small");
        // A truncated copy of the real files (header counts rewritten), so the test stays fast.
        Python.Run("""
            import gzip, sys, struct, collections
            src, dst = sys.argv[1], sys.argv[2]
            counts = {}
            for prefix, n in (("train", 300), ("t10k", 100)):
                img = gzip.open(f"{src}/{prefix}-images-idx3-ubyte.gz").read()
                lab = gzip.open(f"{src}/{prefix}-labels-idx1-ubyte.gz").read()
                gzip.open(f"{dst}/{prefix}-images-idx3-ubyte.gz", "wb").write(img[:4] + struct.pack(">I", n) + img[8:16] + img[16:16 + n * 784])
                gzip.open(f"{dst}/{prefix}-labels-idx1-ubyte.gz", "wb").write(lab[:4] + struct.pack(">I", n) + lab[8:8 + n])
                counts[prefix] = collections.Counter(lab[8:8 + n])
            with open(f"{dst}/counts.txt", "w") as f:
                for prefix, c in counts.items():
                    for k in range(10): f.write(f"{prefix} {k} {c[k]}\n")
            """, FashionMnist, folder);
        var expected = File.ReadAllLines(Path.Combine(folder, "counts.txt")).Select(l => l.Split(' '))
            .ToDictionary(p => (p[0], int.Parse(p[1])), p => int.Parse(p[2]));

        var result = Organize.Run(tmp.Sub("out"), "fashion",
            Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));

        var m = result.Metadata;
        Assert.Equal(400, m.NumImages);
        Assert.Equal(400, m.ImagesWritten);
        Assert.Equal(10, m.Classes.Count);
        Assert.Contains("Trouser", m.Classes);
        Assert.Null(m.NormalClass);
        Assert.Equal("official+val-carved", m.SplitMethod);
        string[] names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(expected[("t10k", k)], m.ClassCounts["test"][names[k]]);
            Assert.Equal(expected[("train", k)], m.ClassCounts["train"][names[k]] + m.ClassCounts["val"][names[k]]);
        }
        var row = Organize.Rows(result, "labeled.csv").First();
        Assert.True(File.Exists(Path.Combine(result.DatasetPath, row["path"])));
        Assert.Matches(@"^images/[^/]+/\d{3}/train-\d{5}\.png$", row["path"]);
    }

    [Fact]
    public void Dicom_folder_uses_tags_for_modality_and_patient_and_writes_16_bit_pngs()
    {
        using var tmp = new TempFolder();
        var folder = tmp.Sub("series");
        File.Copy(Path.Combine(DicomFiles, "CT_small.dcm"), Path.Combine(folder, "CT_small.dcm"));
        File.Copy(Path.Combine(DicomFiles, "MR_small.dcm"), Path.Combine(folder, "IM0001")); // no extension, as on many PACS exports

        var result = Organize.Run(tmp.Sub("out"), "dicom", folder);

        var rows = Organize.AllRows(result).ToDictionary(r => r["patient_id"]);
        Assert.Equal(2, rows.Count);
        Assert.Equal("CT", rows["1CT1"]["modality"]);
        Assert.Equal("MRI", rows["4MR1"]["modality"]);
        Assert.Equal(("128", "128"), (rows["1CT1"]["width"], rows["1CT1"]["height"]));
        Assert.Equal(("64", "64"), (rows["4MR1"]["width"], rows["4MR1"]["height"]));
        Assert.Equal("16", rows["1CT1"]["bit_depth"]); // CT_small stores 16-bit samples; the PNG keeps them
        foreach (var row in rows.Values)
        {
            Assert.StartsWith("images/", row["path"]);
            var frame = new PngReader().Read(Path.Combine(result.DatasetPath, row["path"]), ImageReadOptions.Default).Single().Frame;
            Assert.Equal(row["bit_depth"], frame.BitDepth.ToString());
            Assert.Equal(row["content_hash"], ContentHash.Of(frame));
        }
        Assert.Equal(2, result.Metadata.ImagesWritten);
    }

    [Fact]
    public void Nifti_volume_is_sliced_and_all_slices_stay_in_one_split()
    {
        using var tmp = new TempFolder();
        // Independent count of non-empty axial slices, straight from the file (NIfTI-1: dims at byte 40, datatype 70, vox_offset 108).
        var countFile = tmp.File("slices.txt");
        Python.Run("""
            import gzip, struct, sys, numpy as np
            raw = gzip.open(sys.argv[1]).read()
            dims = struct.unpack("<8h", raw[40:56]); dtype = struct.unpack("<h", raw[70:72])[0]; off = int(struct.unpack("<f", raw[108:112])[0])
            types = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 512: np.uint16}
            nx, ny, nz = dims[1], dims[2], dims[3]
            vol = np.frombuffer(raw[off:off + nx * ny * nz * np.dtype(types[dtype]).itemsize], dtype=types[dtype]).reshape(nz, ny, nx)
            open(sys.argv[2], "w").write(str(sum(1 for k in range(nz) if vol[k].min() != vol[k].max())))
            """, Ch2, countFile);
        int expected = int.Parse(File.ReadAllText(countFile));

        var result = Organize.Run(new OrganizeOptions
        {
            Sources = [Ch2], Name = "ch2", OutputRoot = tmp.Sub("out"), Region = "brain", Modality = "MR",
        });

        var rows = Organize.Rows(result, "unlabeled.csv");
        Assert.Equal(expected, rows.Count);
        Assert.Single(rows.Select(r => r["split"]).Distinct());
        Assert.All(rows, r => Assert.Equal(("brain", "MRI"), (r["region"], r["modality"])));
        Assert.Equal("option", result.Metadata.RegionSource);
        Assert.Equal("unsupervised", result.TrainingConfig.Strategy);
        Assert.All(rows, r => Assert.True(File.Exists(Path.Combine(result.DatasetPath, r["path"]))));
    }

    [Fact]
    public void Several_sources_of_different_kinds_combine_into_one_dataset()
    {
        using var tmp = new TempFolder();
        var folder = tmp.Sub("chest_xray");
        TestImages.Pngs(Path.Combine(folder, "normal"), 6, 1, 28);
        TestImages.Pngs(Path.Combine(folder, "pneumonia"), 6, 100, 28);
        var npz = WriteNpz(tmp, "pneumoniamnist.npz", 20, 5, 5);
        TestImages.Png(tmp.File("extra", "e1.png"), 500, 28, 28);
        File.WriteAllText(tmp.File("extra", "list.csv"), "path,label\ne1.png,pneumonia\n");
        var dicom = tmp.Sub("dcm");
        File.Copy(Path.Combine(DicomFiles, "CT_small.dcm"), Path.Combine(dicom, "a.dcm"));

        var result = Organize.Run(tmp.Sub("out"), "combined", folder, npz, tmp.File("extra", "list.csv"), dicom);

        var m = result.Metadata;
        Assert.Equal(12 + 30 + 1 + 1, m.NumImages);
        Assert.Equal(["folder", "file", "csv", "folder"], m.Source.Select(s => s.Kind).ToArray());
        Assert.Equal([12, 30, 1, 1], m.Source.Select(s => s.Images).ToArray());
        Assert.Equal(["normal", "pneumonia"], m.Classes);
        Assert.Equal(12 + 30 + 1, m.NumLabeled);
        Assert.Equal("official+stratified", m.SplitMethod);
    }
}
