using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class FolderSourceTests
{
    [Fact]
    public void Class_folders_become_labels_and_loose_files_are_unlabeled()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("brain_scans");
        TestImages.Pngs(Path.Combine(src, "normal"), 10, 100);
        TestImages.Pngs(Path.Combine(src, "tumor"), 6, 200);
        TestImages.Pngs(Path.Combine(src, "unlabeled"), 3, 300);
        TestImages.Png(Path.Combine(src, "loose.png"), 400);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        var labeled = Organize.Rows(result, "labeled.csv");
        var unlabeled = Organize.Rows(result, "unlabeled.csv");
        Assert.Equal(16, labeled.Count);
        Assert.Equal(4, unlabeled.Count);
        Assert.Equal(10, labeled.Count(r => r["label"] == "normal"));
        Assert.Equal(6, labeled.Count(r => r["label"] == "tumor"));
        Assert.All(unlabeled, r => Assert.Equal("", r["label"]));
        Assert.Equal(["normal", "tumor"], result.Metadata.Classes);
        Assert.Equal("normal", result.Metadata.NormalClass);
        Assert.Equal("name", result.Metadata.NormalClassSource);
        Assert.Equal(20, result.Metadata.NumImages);
    }

    [Fact]
    public void Plain_images_are_referenced_in_place_relative_to_the_dataset_and_never_copied()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        var file = TestImages.Png(Path.Combine(src, "normal", "a.png"), 1);
        TestImages.Png(Path.Combine(src, "lesion", "b.png"), 2);
        var before = File.ReadAllBytes(file);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        var row = Organize.Rows(result, "labeled.csv").Single(r => r["label"] == "normal");
        Assert.False(Path.IsPathRooted(row["path"]));
        Assert.Equal(Path.GetFullPath(file), Path.GetFullPath(Path.Combine(result.DatasetPath, row["path"])));
        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.False(Directory.Exists(Path.Combine(result.DatasetPath, "images")));
        Assert.Equal(0, result.Metadata.ImagesWritten);
    }

    [Fact]
    public void Csv_columns_start_with_the_contract_and_carry_geometry_and_hash()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Png(Path.Combine(src, "normal", "a.png"), 1, 20, 12);
        TestImages.Png(Path.Combine(src, "tumor", "b.png"), 2);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        foreach (var file in new[] { "labeled.csv", "unlabeled.csv", "splits/train.csv", "splits/val.csv", "splits/test.csv" })
            Assert.Equal(["path", "label", "patient_id", "region", "modality", "split", "source", "width", "height", "channels", "bit_depth", "content_hash"],
                CsvRows.Header(Path.Combine(result.DatasetPath, file)));
        var a = Organize.Rows(result, "labeled.csv").Single(r => r["label"] == "normal");
        Assert.Equal("20", a["width"]);
        Assert.Equal("12", a["height"]);
        Assert.Equal("1", a["channels"]);
        Assert.Equal("8", a["bit_depth"]);
        Assert.Equal(32, a["content_hash"].Length);
    }

    [Fact]
    public void Hidden_files_and_non_images_are_skipped_quietly_but_counted()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 3, 1);
        File.WriteAllText(Path.Combine(src, "notes.txt"), "hello");
        File.WriteAllText(Path.Combine(src, "normal", "labels.json"), "{}");
        File.WriteAllText(Path.Combine(src, ".DS_Store"), "junk");
        TestImages.Png(Path.Combine(src, ".hidden", "x.png"), 99);
        File.WriteAllText(Path.Combine(src, "README"), "no extension, not an image");

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        Assert.Equal(3, result.Metadata.NumImages);
        Assert.Equal(2, result.Metadata.Ignored["non_image"]);
        Assert.Equal(2, result.Metadata.Ignored["hidden"]);
        Assert.Equal(1, result.Metadata.Ignored["unrecognised"]);
        Assert.Equal(0, result.Metadata.Rejected.Count);
    }

    [Fact]
    public void Extensionless_files_are_recognised_by_signature()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Png(Path.Combine(src, "normal", "a.png"), 1);
        var noExt = Path.Combine(src, "normal", "IM0001");
        File.Copy(TestImages.Png(tmp.File("tmp.png"), 2), noExt);
        var uidNamed = Path.Combine(src, "normal", "1.2.840.113619");
        File.Copy(TestImages.Png(tmp.File("tmp2.png"), 3), uidNamed);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        Assert.Equal(3, result.Metadata.NumImages);
    }

    [Fact]
    public void Top_level_split_folders_are_official_splits_with_classes_below()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("chest");
        TestImages.Pngs(Path.Combine(src, "train", "NORMAL"), 8, 100);
        TestImages.Pngs(Path.Combine(src, "train", "PNEUMONIA"), 8, 200);
        TestImages.Pngs(Path.Combine(src, "test", "NORMAL"), 3, 300);
        TestImages.Pngs(Path.Combine(src, "test", "PNEUMONIA"), 3, 400);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        Assert.Equal(["NORMAL", "PNEUMONIA"], result.Metadata.Classes);
        Assert.Equal("NORMAL", result.Metadata.NormalClass);
        Assert.Equal("official+val-carved", result.Metadata.SplitMethod);
        var rows = Organize.Rows(result, "labeled.csv");
        Assert.All(rows.Where(r => r["path"].Contains("/test/")), r => Assert.Equal("test", r["split"]));
        Assert.All(rows.Where(r => r["path"].Contains("/train/")), r => Assert.NotEqual("test", r["split"]));
        Assert.Contains(rows, r => r["split"] == "val");
        Assert.Equal(6, result.Metadata.ClassCounts["test"].Values.Sum());
    }

    [Fact]
    public void Output_folder_inside_a_source_is_not_read_back()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 4, 1);
        TestImages.Pngs(Path.Combine(src, "tumor"), 4, 50);
        var output = Path.Combine(src, "datasets");
        Organize.Run(output, "first", src);
        // A stray image in the output root must not count as a source image either.
        TestImages.Png(Path.Combine(output, "stray", "x.png"), 77);

        var second = Organize.Run(output, "second", src);

        Assert.Equal(8, second.Metadata.NumImages);
    }

    [Fact]
    public void Labels_differing_only_in_case_across_sources_are_one_class()
    {
        using var tmp = new TempFolder();
        var a = tmp.Sub("a");
        var b = tmp.Sub("b");
        TestImages.Pngs(Path.Combine(a, "Normal"), 2, 1);
        TestImages.Pngs(Path.Combine(b, "normal"), 3, 10);
        TestImages.Pngs(Path.Combine(b, "tumor"), 3, 20);

        var result = Organize.Run(tmp.Sub("out"), "ds", a, b);

        Assert.Equal(["normal", "tumor"], result.Metadata.Classes);
        Assert.Equal(5, result.Metadata.ClassCounts["all"]["normal"]);
    }
}
