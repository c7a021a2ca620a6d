using Vigil.Datasets.Samples;
using Vigil.Datasets.Tests.Support;
using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.Datasets.Tests;

public class SampleDataTests
{
    private static Dictionary<string, byte[]> Tree(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void Same_seed_gives_byte_identical_files_and_another_seed_does_not()
    {
        using var tmp = new TempFolder();
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("a"), ImagesPerOrgan = 30, ImageSize = 64 });
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("b"), ImagesPerOrgan = 30, ImageSize = 64, MaxDegreeOfParallelism = 1 });
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("c"), ImagesPerOrgan = 30, ImageSize = 64, Seed = 7 });

        var a = Tree(tmp.File("a"));
        var b = Tree(tmp.File("b"));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (file, bytes) in a) Assert.Equal(bytes, b[file]);
        Assert.NotEqual(a["manifest.csv"], Tree(tmp.File("c"))["manifest.csv"]);
    }

    [Fact]
    public void Counts_layout_manifest_and_readme_say_what_was_made()
    {
        using var tmp = new TempFolder();
        var result = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("s"), ImagesPerOrgan = 100, ImageSize = 48 });

        Assert.Equal(200, result.Images);
        Assert.Equal(result.Images, result.Labeled + result.Unlabeled);
        Assert.InRange(result.Unlabeled, 20, 60); // about 20%
        var rows = CsvRows.Read(result.ManifestPath);
        Assert.Equal(200, rows.Count);
        Assert.Equal(["path", "label", "patient_id", "region", "modality"], CsvRows.Header(result.ManifestPath));
        Assert.Equal(["hemorrhage", "normal", "opacity", "tumor"], rows.Select(r => r["label"]).Where(l => l != "").Distinct().Order().ToArray());
        Assert.All(rows, r =>
        {
            Assert.Matches(@"^(brain_mri|chest_xray)/(normal|tumor|hemorrhage|opacity|unlabeled)/synthetic_(brain|chest)_p\d{4}_\d{2}\.png$", r["path"]);
            Assert.StartsWith("synthetic-", r["patient_id"]);
            Assert.True(File.Exists(Path.Combine(result.OutputFolder, r["path"])));
            Assert.Equal(r["path"].StartsWith("brain") ? ("brain", "MRI") : ("chest", "X-ray"), (r["region"], r["modality"]));
            Assert.Equal(r["label"] == "", r["path"].Contains("/unlabeled/"));
        });
        Assert.True(rows.GroupBy(r => r["patient_id"]).All(g => g.Count() >= 1) && rows.GroupBy(r => r["patient_id"]).Average(g => g.Count()) >= 3);
        var frame = new PngReader().Read(Path.Combine(result.OutputFolder, rows[0]["path"]), ImageReadOptions.Default).Single().Frame;
        Assert.Equal((48, 48, 1, 8), (frame.Width, frame.Height, frame.Channels, frame.BitDepth));
        var readme = File.ReadAllText(Path.Combine(result.OutputFolder, "README.txt"));
        Assert.StartsWith(SampleDataGenerator.ReadmeMarker, readme);
        Assert.Contains("SYNTHETIC", readme);
        Assert.Contains("Not for clinical use", readme);
    }

    [Fact]
    public void Refuses_a_foreign_non_empty_folder_but_replaces_an_earlier_sample()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("thesis.docx"), "precious");
        Assert.Throws<DatasetInputException>(() => SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.Path, ImagesPerOrgan = 10 }));
        Assert.True(File.Exists(tmp.File("thesis.docx")));

        var folder = tmp.File("sample");
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = folder, ImagesPerOrgan = 40, ImageSize = 32 });
        var second = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = folder, ImagesPerOrgan = 10, ImageSize = 32 });
        Assert.Equal(20, Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).Length);
        Assert.Equal(20, second.Images);
    }

    [Fact]
    public void The_sample_organizes_into_a_grouped_multi_organ_dataset()
    {
        using var tmp = new TempFolder();
        var sample = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("s"), ImagesPerOrgan = 120, ImageSize = 32 });

        var result = Organize.Run(tmp.Sub("out"), "sample", sample.OutputFolder);

        var m = result.Metadata;
        Assert.Equal(240, m.NumImages);
        Assert.Equal(["hemorrhage", "normal", "opacity", "tumor"], m.Classes);
        Assert.Equal("normal", m.NormalClass);
        Assert.Equal(120, m.Regions["brain"]);
        Assert.Equal(120, m.Modalities["X-ray"]);
        Assert.Equal("stratified-grouped", m.SplitMethod);
        foreach (var patient in Organize.AllRows(result).GroupBy(r => r["patient_id"]))
            Assert.Single(patient.Select(r => r["split"]).Distinct());
    }

    [Fact]
    public void Fundus_images_are_seeded_colour_photographs_labeled_retina_fundus()
    {
        using var tmp = new TempFolder();
        string[] fundus = ["fundus"];
        var a = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("a"), ImagesPerOrgan = 80, ImageSize = 48, Organs = fundus });
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("b"), ImagesPerOrgan = 80, ImageSize = 48, Organs = fundus, MaxDegreeOfParallelism = 1 });
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("c"), ImagesPerOrgan = 80, ImageSize = 48, Organs = fundus, Seed = 7 });
        var first = Tree(tmp.File("a"));
        var second = Tree(tmp.File("b"));
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (file, bytes) in first) Assert.Equal(bytes, second[file]);
        Assert.NotEqual(first["manifest.csv"], Tree(tmp.File("c"))["manifest.csv"]);

        var rows = CsvRows.Read(a.ManifestPath);
        Assert.Equal(80, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Matches(@"^eye_fundus/(normal|hemorrhage|exudate|drusen|unlabeled)/synthetic_fundus_p\d{4}_\d{2}\.png$", r["path"]);
            Assert.Equal(("retina", "fundus"), (r["region"], r["modality"]));
        });
        Assert.Contains("normal", rows.Select(r => r["label"]));
        Assert.True(rows.Select(r => r["label"]).Where(l => l is not ("" or "normal")).Distinct().Count() >= 2);
        // Colour: the retina is orange-red (red well above blue) inside a black field-of-view mask.
        var frame = new PngReader().Read(Path.Combine(a.OutputFolder, rows[0]["path"]), ImageReadOptions.Default).Single().Frame;
        Assert.Equal((48, 48, 3, 8), (frame.Width, frame.Height, frame.Channels, frame.BitDepth));
        int Px(int x, int y, int c) => frame.Data[(y * 48 + x) * 3 + c];
        Assert.Equal((0, 0, 0), (Px(0, 0, 0), Px(0, 0, 1), Px(0, 0, 2)));
        Assert.True(Px(24, 34, 0) > Px(24, 34, 2) + 40, $"centre-bottom pixel is not retina-red: {Px(24, 34, 0)},{Px(24, 34, 1)},{Px(24, 34, 2)}");
    }

    [Fact]
    public void Adding_fundus_leaves_the_default_organs_images_unchanged_and_unknown_organs_are_refused()
    {
        using var tmp = new TempFolder();
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("two"), ImagesPerOrgan = 20, ImageSize = 32 });
        SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("three"), ImagesPerOrgan = 20, ImageSize = 32, Organs = ["fundus", "chest", "brain"] });
        var two = Tree(tmp.File("two"));
        var three = Tree(tmp.File("three"));
        Assert.DoesNotContain(two.Keys, k => k.StartsWith("eye_fundus", StringComparison.Ordinal));
        Assert.Equal(20, three.Keys.Count(k => k.StartsWith("eye_fundus", StringComparison.Ordinal)));
        foreach (var (file, bytes) in two.Where(kv => kv.Key.EndsWith(".png", StringComparison.Ordinal))) Assert.Equal(bytes, three[file]);
        var error = Assert.Throws<DatasetInputException>(() =>
            SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("bad"), ImagesPerOrgan = 20, Organs = ["brain", "knee"] }));
        Assert.Contains("knee", error.Message);
        Assert.Contains("fundus", error.Message);
    }

    [Fact]
    public void A_three_organ_sample_organizes_with_region_and_modality_columns_and_three_channels()
    {
        using var tmp = new TempFolder();
        var sample = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("s"), ImagesPerOrgan = 40, ImageSize = 32, Organs = SampleDataGenerator.OrganNames });
        var result = Organize.Run(tmp.Sub("out"), "three", sample.OutputFolder);
        Assert.Equal(40, result.Metadata.Regions["retina"]);
        Assert.Equal(40, result.Metadata.Modalities["fundus"]);
        var routes = Organize.AllRows(result).Select(r => r["region"] + "/" + r["modality"]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["brain/MRI", "chest/X-ray", "retina/fundus"], routes);
        Assert.Contains("\"channels\": 3", File.ReadAllText(Path.Combine(result.DatasetPath, "training_config.json")));
    }

    [Fact]
    public void Classes_are_learnable_simple_features_beat_the_majority_class()
    {
        // Not a model: a few hand-made features and a nearest-centroid rule, enough to show the classes carry signal
        // despite per-image variation. Brain: bright/dark shares inside the skull (lesions are brighter than tissue).
        // Chest: left/right lung brightness asymmetry (an opacity fills one lung).
        using var tmp = new TempFolder();
        var sample = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = tmp.File("s"), ImagesPerOrgan = 300, ImageSize = 64, UnlabeledFraction = 0 });
        var rows = CsvRows.Read(sample.ManifestPath);
        foreach (var organ in new[] { "brain", "chest" })
        {
            var items = rows.Where(r => r["region"] == organ).Select(r =>
            {
                var frame = new PngReader().Read(Path.Combine(sample.OutputFolder, r["path"]), ImageReadOptions.Default).Single().Frame;
                return (Label: r["label"], Features: organ == "brain" ? BrainInterior(frame) : LungAsymmetry(frame));
            }).ToList();
            var train = items.Where((_, i) => i % 2 == 0).ToList();
            var test = items.Where((_, i) => i % 2 == 1).ToList();
            int n = items[0].Features.Length;
            // Standardise each feature on the training half, then nearest class centroid.
            var mu = Enumerable.Range(0, n).Select(k => train.Average(t => t.Features[k])).ToArray();
            var sd = Enumerable.Range(0, n).Select(k => Math.Sqrt(train.Average(t => Math.Pow(t.Features[k] - mu[k], 2))) + 1e-12).ToArray();
            foreach (var item in items) for (int k = 0; k < n; k++) item.Features[k] = (item.Features[k] - mu[k]) / sd[k];
            var centroids = train.GroupBy(t => t.Label).ToDictionary(g => g.Key,
                g => Enumerable.Range(0, n).Select(k => g.Average(t => t.Features[k])).ToArray());
            double accuracy = test.Count(t => centroids.MinBy(c => Distance(c.Value, t.Features)).Key == t.Label) / (double)test.Count;
            double majority = test.GroupBy(t => t.Label).Max(g => g.Count()) / (double)test.Count;
            Assert.True(accuracy > majority + 0.08, $"{organ}: accuracy {accuracy:P0} vs majority class {majority:P0}");
        }
    }

    // Inside the head, a margin away from its outline (so the skull is left out): the share of pixels much brighter
    // and much darker than the tissue median, and the spread of intensities.
    private static double[] BrainInterior(ImageFrame frame)
    {
        int s = frame.Width, margin = (int)Math.Round(0.05 * s);
        bool Head(int x, int y) => frame.Data[y * s + x] > 50;
        var inside = new bool[s * s];
        for (int y = 0; y < s; y++)
        {
            int first = Enumerable.Range(0, s).FirstOrDefault(x => Head(x, y), -1), last = Enumerable.Range(0, s).LastOrDefault(x => Head(x, y), -1);
            if (first >= 0 && last - first > 2 * margin + 2) for (int x = first + margin; x <= last - margin; x++) inside[y * s + x] = true;
        }
        for (int x = 0; x < s; x++)
        {
            int first = Enumerable.Range(0, s).FirstOrDefault(y => Head(x, y), -1), last = Enumerable.Range(0, s).LastOrDefault(y => Head(x, y), -1);
            for (int y = 0; y < s; y++) inside[y * s + x] &= first >= 0 && y >= first + margin && y <= last - margin;
        }
        var head = frame.Data.Where(b => b > 50).Select(b => (double)b).Order().ToArray();
        double median = head[head.Length / 2];
        var v = Enumerable.Range(0, s * s).Where(i => inside[i]).Select(i => frame.Data[i] / median).ToArray();
        double mean = v.Average();
        return [v.Count(x => x > 1.45) / (double)v.Length, v.Count(x => x < 0.6) / (double)v.Length, Math.Sqrt(v.Average(x => (x - mean) * (x - mean)))];
    }

    private static double[] LungAsymmetry(ImageFrame frame)
    {
        int s = frame.Width;
        double Mean(double x0, double x1) =>
            Enumerable.Range((int)(0.2 * s), (int)(0.4 * s)).SelectMany(y => Enumerable.Range((int)(x0 * s), (int)((x1 - x0) * s)).Select(x => (double)frame.Data[y * s + x])).Average();
        double all = frame.Data.Average(b => (double)b);
        return [Math.Abs(Mean(0.18, 0.44) - Mean(0.56, 0.82)) / all];
    }

    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum;
    }
}
