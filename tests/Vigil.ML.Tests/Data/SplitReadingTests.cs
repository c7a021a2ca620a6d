using Vigil.ML.Data;

namespace Vigil.ML.Tests.Data;

public sealed class SplitReadingTests
{
    [Fact]
    public void Dataset_folder_splits_list_their_labeled_rows_then_their_unlabeled_rows()
    {
        using var tmp = new TempFolder();
        var dataset = DataFixtures.OrganizedDataset(tmp.Path, normal: 12, tumor: 4, unlabeled: 4);

        var spec = DatasetSpec.FromFolder(dataset);

        Assert.Equal(["normal", "tumor"], spec.Classes);
        Assert.Equal("normal", spec.NormalClass);
        Assert.NotNull(spec.Config);
        Assert.Equal(Path.Combine(dataset, ".cache"), spec.CacheFolder);
        var unlabeledCsv = DataFixtures.CsvRows(Path.Combine(dataset, "unlabeled.csv"));
        int total = 0;
        foreach (var name in new[] { "train", "val", "test" })
        {
            var split = spec.Split(name);
            var labeledCsv = DataFixtures.CsvRows(Path.Combine(dataset, "splits", name + ".csv"));
            var expectedUnlabeled = unlabeledCsv.Where(r => r["split"] == name).ToList();
            Assert.Equal(labeledCsv.Count + expectedUnlabeled.Count, split.Rows.Count);
            // Labeled rows first, in CSV order, then the unlabeled rows of this split.
            for (int i = 0; i < labeledCsv.Count; i++)
            {
                Assert.Equal(labeledCsv[i]["path"], split.Rows[i].ListedPath);
                Assert.Equal(labeledCsv[i]["label"], split.Rows[i].Label);
                Assert.Equal(labeledCsv[i]["content_hash"], split.Rows[i].ContentHash);
            }
            Assert.Equal(expectedUnlabeled.Select(r => r["path"]), split.Rows.Skip(labeledCsv.Count).Select(r => r.ListedPath));
            Assert.All(split.Rows.Skip(labeledCsv.Count), r => Assert.Null(r.Label));
            Assert.All(split.Rows, r => Assert.True(Path.IsPathRooted(r.Path) && File.Exists(r.Path), r.Path));
            total += split.Rows.Count;
        }
        Assert.Equal(20, total);

        var train = spec.Split("train");
        Assert.Equal(Enumerable.Range(0, train.Rows.Count).Where(i => train.Rows[i].Label is not null), train.LabeledRows());
        Assert.All(train.VaeRows(VaeData.Normal), i => Assert.Equal("normal", train.Rows[i].Label));
        Assert.All(train.VaeRows(VaeData.Unlabeled), i => Assert.Null(train.Rows[i].Label));
        Assert.Equal(train.VaeRows(VaeData.Normal).Count + train.VaeRows(VaeData.Unlabeled).Count, train.VaeRows(VaeData.Both).Count);
        Assert.NotEmpty(train.VaeRows(VaeData.Normal));
        var labeled = train.Labeled();
        Assert.Equal("train-labeled", labeled.Name);
        Assert.All(labeled.Rows, r => Assert.NotNull(r.Label));
        Assert.Equal(0, train.ClassId(train.Rows.First(r => r.Label == "normal")));
        Assert.Equal(1, train.ClassId(train.Rows.First(r => r.Label == "tumor")));
    }

    [Fact]
    public void Train_csv_paths_resolve_against_the_csv_folder_and_classes_come_from_all_labels()
    {
        using var tmp = new TempFolder();
        DataFixtures.GreyPng(tmp.File("data/imgs/a.png"), 1);
        DataFixtures.GreyPng(tmp.File("elsewhere/b.png"), 2);
        DataFixtures.GreyPng(tmp.File("data/lists/c.png"), 3);
        Directory.CreateDirectory(tmp.File("data/lists"));
        var absoluteB = tmp.File("elsewhere/b.png");
        File.WriteAllText(tmp.File("data/lists/train.csv"),
            $"path,label,patient_id\n../imgs/a.png,zeta,p1\n{absoluteB},Alpha,\nc.png,,p3\n");
        File.WriteAllText(tmp.File("data/lists/val.csv"), "label,path\nbeta,../imgs/a.png\n");

        var spec = DatasetSpec.FromCsvFiles(tmp.File("data/lists/train.csv"), tmp.File("data/lists/val.csv"), normalClass: "alpha");

        Assert.Null(spec.Folder);
        Assert.Equal(["Alpha", "beta", "zeta"], spec.Classes); // ordinal: upper case sorts first
        Assert.Equal("Alpha", spec.NormalClass);                // matched without regard to case
        Assert.Equal(tmp.File("data/lists/.cache"), spec.CacheFolder);
        var train = spec.Split("train");
        Assert.Equal([tmp.File("data/imgs/a.png"), absoluteB, tmp.File("data/lists/c.png")], train.Rows.Select(r => r.Path));
        Assert.Equal(["zeta", "Alpha", null], train.Rows.Select(r => r.Label));
        Assert.Equal("p1", train.Rows[0].PatientId);
        Assert.Null(train.Rows[1].PatientId);
        Assert.Equal("unknown", train.Rows[0].Region);
        Assert.Null(train.Rows[0].ContentHash);
        Assert.Equal(tmp.File("data/imgs/a.png"), spec.Split("val").Rows.Single().Path);
        Assert.False(spec.Splits.ContainsKey("test"));
        var missing = Assert.Throws<DataPipelineException>(() => spec.Split("test"));
        Assert.Contains("--test-csv", missing.Message);
    }

    [Fact]
    public void Csv_without_a_path_column_is_an_input_error_naming_the_columns_found()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("train.csv"), "file,label\na.png,x\n");

        var error = Assert.Throws<DataPipelineException>(() => DatasetSpec.FromCsvFiles(tmp.File("train.csv")));

        Assert.IsAssignableFrom<Vigil.Core.UserInputException>(error);
        Assert.Contains("no 'path' column", error.Message);
        Assert.Contains("file, label", error.Message);
    }

    [Fact]
    public void Missing_inputs_and_unknown_classes_are_input_errors()
    {
        using var tmp = new TempFolder();
        Assert.Contains("not found", Assert.Throws<DataPipelineException>(() => DatasetSpec.FromFolder(tmp.File("nope"))).Message);
        Assert.Contains("splits/train.csv", Assert.Throws<DataPipelineException>(() => DatasetSpec.FromFolder(tmp.Path)).Message);
        Assert.Contains("not found", Assert.Throws<DataPipelineException>(() => DatasetSpec.FromCsvFiles(tmp.File("none.csv"))).Message);

        File.WriteAllText(tmp.File("train.csv"), "path,label\na.png,tumor\nb.png,\n");
        var badNormal = Assert.Throws<DataPipelineException>(() => DatasetSpec.FromCsvFiles(tmp.File("train.csv"), normalClass: "healthy"));
        Assert.Contains("'healthy' is not one of the classes (tumor)", badNormal.Message);

        var noNormal = DatasetSpec.FromCsvFiles(tmp.File("train.csv")).Split("train");
        Assert.Null(noNormal.NormalClass);
        Assert.Contains("--normal-class", Assert.Throws<DataPipelineException>(() => noNormal.VaeRows(VaeData.Normal)).Message);
        Assert.Equal([1], noNormal.VaeRows(VaeData.Both)); // no normal class: the unlabeled rows
        Assert.Throws<DataPipelineException>(() => VaeDataNames.Parse("all"));
        Assert.Equal(VaeData.Both, VaeDataNames.Parse(" Both "));
    }

    [Fact]
    public void A_label_outside_the_training_config_classes_is_an_input_error()
    {
        using var tmp = new TempFolder();
        var dataset = DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0);
        var trainCsv = Path.Combine(dataset, "splits", "train.csv");
        var lines = File.ReadAllLines(trainCsv);
        lines[1] = lines[1].Replace(",normal,", ",oedema,").Replace(",tumor,", ",oedema,");
        File.WriteAllLines(trainCsv, lines);

        var error = Assert.Throws<DataPipelineException>(() => DatasetSpec.FromFolder(dataset));

        Assert.Contains("label 'oedema'", error.Message);
        Assert.Contains("normal, tumor", error.Message);
    }
}
