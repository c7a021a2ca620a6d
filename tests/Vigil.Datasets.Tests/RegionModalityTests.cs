using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class RegionModalityTests
{
    private const string DicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    [Fact]
    public void Path_keywords_set_region_and_modality_on_word_boundaries_only()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("data");
        TestImages.Png(Path.Combine(src, "head_CT", "normal", "a.png"), 1);
        TestImages.Png(Path.Combine(src, "my_project", "normal", "b.png"), 2);     // "project" holds "ct" but is not CT
        TestImages.Png(Path.Combine(src, "ChestXray", "normal", "c.png"), 3);
        TestImages.Png(Path.Combine(src, "knee_MRI_T2", "normal", "d.png"), 4);
        TestImages.Png(Path.Combine(src, "abstract", "normal", "e.png"), 5);       // "abstract" is no keyword either

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        var rows = Organize.AllRows(result).ToDictionary(r => Path.GetFileName(r["path"]));
        Assert.Equal(("brain", "CT"), (rows["a.png"]["region"], rows["a.png"]["modality"]));
        Assert.Equal(("unknown", "unknown"), (rows["b.png"]["region"], rows["b.png"]["modality"]));
        Assert.Equal(("chest", "X-ray"), (rows["c.png"]["region"], rows["c.png"]["modality"]));
        Assert.Equal(("musculoskeletal", "MRI"), (rows["d.png"]["region"], rows["d.png"]["modality"]));
        Assert.Equal(("unknown", "unknown"), (rows["e.png"]["region"], rows["e.png"]["modality"]));
        Assert.Equal(2, result.Metadata.Regions["unknown"]);
    }

    [Fact]
    public void Dicom_tags_win_over_path_keywords()
    {
        using var tmp = new TempFolder();
        var folder = tmp.Sub("mri_chest_scans");
        File.Copy(Path.Combine(DicomFiles, "CT_small.dcm"), Path.Combine(folder, "x.dcm"));

        var row = Organize.AllRows(Organize.Run(tmp.Sub("out"), "ds", folder)).Single();

        Assert.Equal("CT", row["modality"]);   // tag, not "mri" from the path
        Assert.Equal("chest", row["region"]);  // no BodyPartExamined tag: the path decides
    }

    [Fact]
    public void Region_and_modality_options_override_everything()
    {
        using var tmp = new TempFolder();
        var folder = tmp.Sub("brain");
        File.Copy(Path.Combine(DicomFiles, "CT_small.dcm"), Path.Combine(folder, "x.dcm"));
        TestImages.Png(Path.Combine(folder, "y.png"), 1);

        var result = Organize.Run(new OrganizeOptions { Sources = [folder], Name = "ds", OutputRoot = tmp.Sub("out"), Region = "Thorax", Modality = "xray" });

        Assert.All(Organize.AllRows(result), r => Assert.Equal(("chest", "X-ray"), (r["region"], r["modality"])));
        Assert.Equal("option", result.Metadata.ModalitySource);
    }

    [Fact]
    public void Unknown_region_option_is_an_input_error_naming_the_known_ones()
    {
        using var tmp = new TempFolder();
        TestImages.Png(tmp.File("src", "a.png"), 1);

        var e = Assert.Throws<DatasetInputException>(() =>
            Organize.Run(new OrganizeOptions { Sources = [tmp.File("src")], Name = "ds", OutputRoot = tmp.Sub("out"), Region = "chset" }));

        Assert.Contains("--region 'chset'", e.Message);
        Assert.Contains("brain", e.Message);
    }
}
