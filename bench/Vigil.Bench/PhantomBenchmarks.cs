using System.Diagnostics;
using System.Globalization;
using Vigil.Core.Runs;
using Vigil.Datasets;
using Vigil.Datasets.Samples;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Runs;

namespace Vigil.Bench;

/// <summary>
/// Few labels and a contaminated unlabeled pool, on the synthetic chest X-ray phantoms (<c>vigil sample</c>):
/// the case where the unlabeled images are mostly anomalous (as in a pneumonia screening set) and a VAE that learns
/// "normal" from them learns the disease instead. Patients are split 70/15/15; the train split keeps every opacity
/// image but only as many normal ones as make it ~70 % anomalous, and only 5 % of its images keep their label;
/// validation and test are fully labeled. Trained as <c>vigil train --dataset … --phase all --image-size 64</c>
/// would. Targets: hybrid test AUROC ≥ 0.97 and at most 15 minutes of training.
/// </summary>
public static class PhantomBenchmarks
{
    private const string Name = "phantoms-contaminated";
    private const double LabeledShare = 0.05, TrainAnomalyShare = 0.70;

    /// <summary>Builds the dataset (once per image count), trains, and prints the figures.</summary>
    /// <param name="work">Work folder.</param>
    /// <param name="epochs">Epochs of each phase.</param>
    /// <param name="imagesPerOrgan">Phantoms generated per organ (only the chest X-rays are used).</param>
    /// <param name="vaeData">The VAE's images (<c>--vae-data</c>), or null for the trainer's default.</param>
    /// <param name="vaeTrim">Share of each VAE batch left out of its loss (<c>--vae-trim</c>).</param>
    public static async Task Contaminated(string work, int epochs, int imagesPerOrgan, string? vaeData, double vaeTrim = 0)
    {
        var dataset = await Organized(work, imagesPerOrgan);
        var output = Path.Combine(work, "phantom-runs", $"{Name}-{imagesPerOrgan}-{epochs}ep-{vaeData ?? "default"}-trim{vaeTrim:0.##}");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var request = new TrainRequest
        {
            Dataset = DatasetSpec.FromFolder(dataset), Phase = PhaseSelection.All, Output = output,
            EpochsSupervised = epochs, EpochsUnsupervised = epochs, ImageSize = 64,
            VaeTrim = vaeTrim, Compute = ComputeResolver.Resolve("cpu", null),
            SemiSupervisedAuto = true, // as vigil train's default --semi-supervised auto: strategy B learns from the unlabeled images
        };
        if (vaeData is not null) request = request with { VaeData = VaeDataNames.Parse(vaeData) };
        var before = ProcessCounters.Read();
        var clock = Stopwatch.StartNew();
        string? last = null;
        void Log(string line) { if (line != last) Console.Error.WriteLine("  " + line); last = line; }
        var result = TrainingRun.Run(request, new BenchTraining.EpochPrinter(), new TrainingControl(), Log, CancellationToken.None);
        var elapsed = clock.Elapsed;
        var used = ProcessCounters.Read() - before;
        var manifest = DetectorLoader.Load(result.ModelPath!, TorchSharp.torch.CPU).Manifest;
        string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
        var test = result.Test!;
        var val = result.Validation!;
        Console.WriteLine($"{Name}: {imagesPerOrgan} phantoms/organ, {epochs} epochs per phase, 64×64, --vae-data {vaeData ?? "(default)"} --vae-trim {vaeTrim:0.##}");
        Console.WriteLine($"{Name}: test AUROC hybrid {F(test.ComponentAuroc["hybrid"])}, supervised {F(test.ComponentAuroc.GetValueOrDefault("supervised"))}, " +
                          $"VAE {F(test.ComponentAuroc.GetValueOrDefault("reconstruction"))} (target hybrid >= 0.97)");
        Console.WriteLine($"{Name}: validation AUROC hybrid {F(val.ComponentAuroc["hybrid"])}, supervised {F(val.ComponentAuroc.GetValueOrDefault("supervised"))}, " +
                          $"VAE {F(val.ComponentAuroc.GetValueOrDefault("reconstruction"))}");
        Console.WriteLine($"{Name}: weights supervised {F(manifest.HybridWeights?.Supervised)} / unsupervised {F(manifest.HybridWeights?.Unsupervised)}");
        Console.WriteLine($"{Name}: train {elapsed.TotalMinutes:F1} min (target <= 15), CPU user {used.UserSeconds:F0} s, sys {used.SystemSeconds:F0} s " +
                          $"({used.KernelShare:P0} kernel), peak RSS {used.PeakRssBytes / 1048576.0:F0} MiB");
    }

    /// <summary>The organized, contaminated dataset for this image count, built on first use.</summary>
    private static async Task<string> Organized(string work, int imagesPerOrgan)
    {
        var root = Path.Combine(work, $"phantoms-{imagesPerOrgan}");
        var folder = Path.Combine(root, "datasets", Name);
        if (File.Exists(Path.Combine(folder, "metadata.json"))) return folder;
        var sample = Path.Combine(root, "sample");
        if (!File.Exists(Path.Combine(sample, "manifest.csv")))
            SampleDataGenerator.Generate(new SampleOptions { OutputFolder = sample, ImagesPerOrgan = imagesPerOrgan, ImageSize = 64, UnlabeledFraction = 0 });
        var manifest = Path.Combine(sample, $"{Name}.csv");
        var counts = WriteManifest(Path.Combine(sample, "manifest.csv"), manifest);
        Console.Error.WriteLine($"  {Name}: {counts}");
        await new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).OrganizeAsync(
            new OrganizeOptions { Sources = [manifest], Name = Name, OutputRoot = Path.Combine(root, "datasets"), NormalClass = "normal" }, null, CancellationToken.None);
        return folder;
    }

    /// <summary>
    /// Writes the chest rows with a <c>split</c> column: patients split 70/15/15 by a stable hash; in train, normal images
    /// kept only up to the anomalous share, and labels kept for 5 % of the images (the others written with an empty label).
    /// </summary>
    private static string WriteManifest(string source, string target)
    {
        var lines = File.ReadAllLines(source);
        // The generator's paths and labels hold no commas or quotes, so a plain split is exact here.
        var rows = lines.Skip(1).Select(l => l.Split(',')).Where(c => c[0].StartsWith("chest_xray/", StringComparison.Ordinal)).ToList();
        string SplitOf(string patient) => StableFraction("split:" + patient) switch { < 0.70 => "train", < 0.85 => "val", _ => "test" };
        int trainAnomalous = rows.Count(c => SplitOf(c[2]) == "train" && c[1] != "normal");
        int trainNormal = rows.Count(c => SplitOf(c[2]) == "train" && c[1] == "normal");
        double keepNormal = Math.Min(1, trainAnomalous * (1 - TrainAnomalyShare) / TrainAnomalyShare / Math.Max(1, trainNormal));
        var output = new List<string> { lines[0] + ",split" };
        int labeled = 0, unlabeled = 0, unlabeledAnomalous = 0;
        foreach (var c in rows)
        {
            var split = SplitOf(c[2]);
            if (split == "train" && c[1] == "normal" && StableFraction("keep:" + c[0]) >= keepNormal) continue;
            bool keepLabel = split != "train" || StableFraction("label:" + c[0]) < LabeledShare;
            if (split == "train") { if (keepLabel) labeled++; else { unlabeled++; if (c[1] != "normal") unlabeledAnomalous++; } }
            output.Add(string.Join(',', c[0], keepLabel ? c[1] : "", c[2], c[3], c[4], split));
        }
        File.WriteAllLines(target, output);
        return $"train {labeled} labeled, {unlabeled} unlabeled ({unlabeledAnomalous * 100.0 / Math.Max(1, unlabeled):F0} % of them anomalous); validation and test fully labeled";
    }

    private static double StableFraction(string text) => FashionMnistBenchmarks.StableFraction(text);
}
