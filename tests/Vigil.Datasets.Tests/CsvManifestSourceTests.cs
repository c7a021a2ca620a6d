using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class CsvManifestSourceTests
{
    [Fact]
    public void Manifest_rows_give_label_patient_region_and_modality_with_relative_and_absolute_paths()
    {
        using var tmp = new TempFolder();
        var data = tmp.Sub("data");
        TestImages.Png(Path.Combine(data, "imgs", "a.png"), 1);
        TestImages.Png(Path.Combine(data, "imgs", "b.png"), 2);
        var elsewhere = TestImages.Png(tmp.File("elsewhere", "c.png"), 3);
        TestImages.Png(Path.Combine(data, "imgs", "d.png"), 4);
        var csv = Path.Combine(data, "manifest.csv");
        File.WriteAllText(csv,
            "path,label,patient_id,region,modality\n" +
            "imgs/a.png,normal,P1,Thorax,xray\n" +
            "imgs/b.png,tumor,P2,brain,MR\n" +
            $"{elsewhere},tumor,P3,,\n" +
            "imgs/d.png,,P4,,\n");

        var result = Organize.Run(tmp.Sub("out"), "ds", csv);

        var rows = Organize.AllRows(result).ToDictionary(r => Path.GetFileName(r["path"]));
        Assert.Equal(("normal", "P1", "chest", "X-ray"), (rows["a.png"]["label"], rows["a.png"]["patient_id"], rows["a.png"]["region"], rows["a.png"]["modality"]));
        Assert.Equal(("tumor", "brain", "MRI"), (rows["b.png"]["label"], rows["b.png"]["region"], rows["b.png"]["modality"]));
        Assert.Equal("tumor", rows["c.png"]["label"]);
        Assert.Equal(Path.GetFullPath(elsewhere), Path.GetFullPath(Path.Combine(result.DatasetPath, rows["c.png"]["path"])));
        Assert.Equal("", rows["d.png"]["label"]);
        Assert.Equal(1, result.Metadata.NumUnlabeled);
        Assert.Equal("csv", result.Metadata.Source.Single().Kind);
    }

    [Fact]
    public void Header_aliases_and_extra_columns_are_accepted()
    {
        using var tmp = new TempFolder();
        TestImages.Png(tmp.File("x", "a.png"), 1);
        TestImages.Png(tmp.File("x", "b.png"), 2);
        var csv = tmp.File("list.csv");
        File.WriteAllText(csv, "Image_Path,Class,Notes,Patient\nx/a.png,healthy,whatever,7\nx/b.png,lesion,,8\n");

        var result = Organize.Run(tmp.Sub("out"), "ds", csv);

        Assert.Equal(["healthy", "lesion"], result.Metadata.Classes);
        Assert.Equal("healthy", result.Metadata.NormalClass);
        Assert.Equal(["7", "8"], Organize.Rows(result, "labeled.csv").Select(r => r["patient_id"]).Order().ToArray());
    }

    [Fact]
    public void Rows_naming_missing_files_are_rejected_and_the_rest_organized()
    {
        using var tmp = new TempFolder();
        TestImages.Png(tmp.File("a.png"), 1);
        TestImages.Png(tmp.File("b.png"), 2);
        var csv = tmp.File("m.csv");
        File.WriteAllText(csv, "path,label\na.png,normal\nmissing.png,tumor\nb.png,tumor\n,tumor\n");

        var result = Organize.Run(tmp.Sub("out"), "ds", csv);

        Assert.Equal(2, result.Metadata.NumImages);
        var rejected = CsvRows.Read(result.RejectedPath);
        Assert.Equal(2, rejected.Count);
        Assert.Contains(rejected, r => r["path"].EndsWith("missing.png") && r["reason"].Contains("file not found"));
        Assert.Contains(rejected, r => r["reason"].Contains("empty path"));
        Assert.Equal(2, result.Metadata.Rejected.Count);
    }

    [Fact]
    public void A_folder_with_a_manifest_at_its_root_is_read_through_the_manifest()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("collection");
        TestImages.Png(Path.Combine(src, "organ_a", "normal", "1.png"), 1);
        TestImages.Png(Path.Combine(src, "organ_a", "sick", "2.png"), 2);
        File.WriteAllText(Path.Combine(src, "manifest.csv"), "path,label,patient_id\norgan_a/normal/1.png,normal,p1\norgan_a/sick/2.png,sick,p2\n");

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        Assert.Equal(["normal", "sick"], result.Metadata.Classes); // not "organ_a", the folder name
        Assert.Equal("csv", result.Metadata.Source.Single().Kind);
    }

    [Fact]
    public void A_split_column_is_an_official_split()
    {
        using var tmp = new TempFolder();
        var lines = new List<string> { "path,label,split" };
        for (int i = 0; i < 20; i++)
        {
            TestImages.Png(tmp.File($"i{i}.png"), i);
            lines.Add($"i{i}.png,{(i % 2 == 0 ? "normal" : "tumor")},{(i < 14 ? "train" : i < 17 ? "validation" : "test")}");
        }
        File.WriteAllLines(tmp.File("m.csv"), lines);

        var result = Organize.Run(tmp.Sub("out"), "ds", tmp.File("m.csv"));

        Assert.Equal("official", result.Metadata.SplitMethod);
        var rows = Organize.Rows(result, "labeled.csv");
        Assert.Equal(14, rows.Count(r => r["split"] == "train"));
        Assert.Equal(3, rows.Count(r => r["split"] == "val"));
        Assert.Equal(3, rows.Count(r => r["split"] == "test"));
    }
}
