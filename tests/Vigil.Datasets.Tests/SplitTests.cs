using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class SplitTests
{
    // 30 patients × 4 images; patient k is "tumor" when k % 3 == 0.
    private static string PatientManifest(TempFolder tmp, int patients = 30, int perPatient = 4)
    {
        var lines = new List<string> { "path,label,patient_id" };
        int seed = 0;
        for (int p = 0; p < patients; p++)
            for (int k = 0; k < perPatient; k++)
            {
                var file = $"p{p:D2}_{k}.png";
                TestImages.Png(tmp.File("imgs", file), ++seed);
                lines.Add($"imgs/{file},{(p % 3 == 0 ? "tumor" : "normal")},patient-{p:D2}");
            }
        var csv = tmp.File("manifest.csv");
        File.WriteAllLines(csv, lines);
        return csv;
    }

    [Fact]
    public void Splits_follow_the_ratios_and_no_patient_is_in_two_splits()
    {
        using var tmp = new TempFolder();
        var result = Organize.Run(tmp.Sub("out"), "ds", PatientManifest(tmp));

        Assert.Equal("stratified-grouped", result.Metadata.SplitMethod);
        var rows = Organize.Rows(result, "labeled.csv");
        foreach (var patient in rows.GroupBy(r => r["patient_id"]))
            Assert.Single(patient.Select(r => r["split"]).Distinct());
        // 120 images in groups of 4: 70/15/15 → about 84/18/18, within one patient.
        Assert.InRange(rows.Count(r => r["split"] == "train"), 80, 88);
        Assert.InRange(rows.Count(r => r["split"] == "val"), 16, 20);
        Assert.InRange(rows.Count(r => r["split"] == "test"), 16, 20);
        // Stratified: both classes in every split.
        foreach (var split in new[] { "train", "val", "test" })
            Assert.Equal(2, rows.Where(r => r["split"] == split).Select(r => r["label"]).Distinct().Count());
        // splits/*.csv hold exactly the labeled rows of their split.
        Assert.Equal(rows.Count(r => r["split"] == "val"), Organize.Rows(result, "splits/val.csv").Count);
    }

    [Fact]
    public void Exact_duplicates_never_cross_splits_and_conflicting_labels_are_reported()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 40, 1000);
        TestImages.Pngs(Path.Combine(src, "tumor"), 40, 2000);
        // Same pixels saved under other names: in the same class, in the other class, and unlabeled.
        for (int i = 0; i < 10; i++) TestImages.Png(Path.Combine(src, "normal", $"copy_{i}.png"), 1000 + i);
        TestImages.Png(Path.Combine(src, "tumor", "conflict.png"), 1020);
        TestImages.Png(Path.Combine(src, "unlabeled", "u.png"), 2005);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        var dup = result.Metadata.Duplicates;
        Assert.Equal(12, dup.Count);
        Assert.Equal(12, dup.Groups);
        Assert.Equal(1, dup.LabelConflicts);
        Assert.Equal(["normal", "tumor"], dup.ConflictExamples.Single().Labels);
        Assert.Equal(10, dup.Examples.Count);
        foreach (var set in Organize.AllRows(result).GroupBy(r => r["content_hash"]))
            Assert.Single(set.Select(r => r["split"]).Distinct());
        Assert.Equal("stratified-grouped", result.Metadata.SplitMethod);
    }

    [Fact]
    public void A_class_of_two_images_still_lands_in_train()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 50, 1);
        TestImages.Pngs(Path.Combine(src, "rare"), 2, 100);
        TestImages.Pngs(Path.Combine(src, "uncommon"), 7, 200);

        var result = Organize.Run(tmp.Sub("out"), "ds", src);

        var counts = result.Metadata.ClassCounts;
        Assert.Equal(2, counts["train"]["rare"]);
        Assert.Equal(5, counts["train"]["uncommon"]);
        Assert.Equal(1, counts["val"]["uncommon"]);
        Assert.Equal(1, counts["test"]["uncommon"]);
        Assert.Equal(35, counts["train"]["normal"]);
    }

    [Fact]
    public void Custom_split_and_seed_are_honoured_and_the_seed_changes_the_assignment()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "a"), 50, 1);
        TestImages.Pngs(Path.Combine(src, "b"), 50, 100);
        var output = tmp.Sub("out");

        var r1 = Organize.Run(new OrganizeOptions { Sources = [src], Name = "s1", OutputRoot = output, Split = SplitRatios.Parse("80/10/10"), Seed = 1 });
        var r2 = Organize.Run(new OrganizeOptions { Sources = [src], Name = "s2", OutputRoot = output, Split = SplitRatios.Parse("80/10/10"), Seed = 2 });

        Assert.Equal(40, r1.Metadata.ClassCounts["train"]["a"]);
        Assert.Equal(5, r1.Metadata.ClassCounts["val"]["b"]);
        Assert.Equal(new Manifest.SplitInfo(80, 10, 10), r1.Metadata.Split);
        Assert.Equal(1, r1.Metadata.Seed);
        var s1 = Organize.Rows(r1, "labeled.csv").Select(r => r["split"]).ToList();
        var s2 = Organize.Rows(r2, "labeled.csv").Select(r => r["split"]).ToList();
        Assert.NotEqual(s1, s2);
    }

    [Fact]
    public void Rerunning_with_the_same_inputs_and_seed_gives_byte_identical_csvs()
    {
        using var tmp = new TempFolder();
        var csv = PatientManifest(tmp, 12, 3);
        TestImages.Pngs(Path.Combine(tmp.Path, "more", "normal"), 10, 900);
        TestImages.Pngs(Path.Combine(tmp.Path, "more", "unlabeled"), 5, 950);
        var output = tmp.Sub("out");
        string[] files = ["labeled.csv", "unlabeled.csv", "splits/train.csv", "splits/val.csv", "splits/test.csv", "rejected.csv", "training_config.json"];

        var first = Organize.Run(new OrganizeOptions { Sources = [csv, tmp.File("more")], Name = "ds", OutputRoot = output, Balance = BalanceMode.Oversample });
        var before = files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(first.DatasetPath, f)));
        var second = Organize.Run(new OrganizeOptions { Sources = [csv, tmp.File("more")], Name = "ds", OutputRoot = output, Balance = BalanceMode.Oversample, MaxDegreeOfParallelism = 1 });

        Assert.True(second.ReplacedExisting);
        foreach (var f in files) Assert.Equal(before[f], File.ReadAllBytes(Path.Combine(second.DatasetPath, f)));
    }

    [Fact]
    public void Unlabeled_images_get_splits_too_and_stay_with_their_patient()
    {
        using var tmp = new TempFolder();
        var lines = new List<string> { "path,label,patient_id" };
        for (int p = 0; p < 20; p++)
        {
            TestImages.Png(tmp.File($"l{p}.png"), p);
            TestImages.Png(tmp.File($"u{p}.png"), 100 + p);
            lines.Add($"l{p}.png,{(p % 2 == 0 ? "normal" : "tumor")},P{p}");
            lines.Add($"u{p}.png,,P{p}");
        }
        for (int i = 0; i < 40; i++)
        {
            TestImages.Png(tmp.File($"free{i}.png"), 500 + i);
            lines.Add($"free{i}.png,,");
        }
        File.WriteAllLines(tmp.File("m.csv"), lines);

        var result = Organize.Run(tmp.Sub("out"), "ds", tmp.File("m.csv"));

        var labeled = Organize.Rows(result, "labeled.csv").ToDictionary(r => r["patient_id"], r => r["split"]);
        var unlabeled = Organize.Rows(result, "unlabeled.csv");
        Assert.Equal(60, unlabeled.Count);
        foreach (var u in unlabeled.Where(r => r["patient_id"] != ""))
            Assert.Equal(labeled[u["patient_id"]], u["split"]);
        // Unlabeled images spread in the requested proportions too (70% of 60 = 42).
        Assert.InRange(unlabeled.Count(r => r["split"] == "train"), 39, 45);
        Assert.Contains(unlabeled, r => r["patient_id"] == "" && r["split"] == "test");
        Assert.Equal(result.Metadata.UnlabeledCounts["train"], unlabeled.Count(r => r["split"] == "train"));
        // splits/*.csv list labeled images only.
        Assert.All(Organize.Rows(result, "splits/train.csv"), r => Assert.NotEqual("", r["label"]));
    }
}
