using System.Diagnostics;
using Vigil.Core.Metrics;
using Vigil.Datasets;
using Vigil.Datasets.Samples;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Vae;
using Vigil.ML.Runs;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// Normal-only detection on the demo's synthetic phantoms (<c>vigil sample</c>): per organ (brain MRI, chest X-ray),
/// the VAE learns from that organ's normal train images only (validation: its normal val images; no lesion is ever
/// seen), then every score kind of the same packaged model is measured on all the organ's test images (normal against
/// tumor/hemorrhage, or against opacity). Prints test AUROC per kind, training time, CPU user/sys and peak RSS.
/// Target: AUROC ≥ 0.95 per organ with the package's own score, training ≤ 15 min at 64×64.
/// </summary>
public static class PhantomOneClassBenchmarks
{
    private static readonly string[] Organs = ["brain", "chest"];

    /// <summary>Generates and organizes the sample once, then trains and scores one VAE per organ.</summary>
    public static async Task OneClass(string work, int epochs, int perOrgan, IReadOnlyList<string>? organs = null)
    {
        var dataset = await Organized(work, perOrgan);
        var compute = ComputeResolver.Resolve("cpu", null);
        foreach (var organ in organs ?? Organs)
        {
            string Csv(string split, bool normalOnly) => BenchCsv.Write(dataset, $"phantom-{organ}-{split}{(normalOnly ? "-normal" : "")}", split,
                row => row["region"] == organ && row["label"].Length > 0 && (!normalOnly || row["label"] == "normal"));
            var train = Csv("train", true);
            var val = Csv("val", true);
            var test = Csv("test", false);
            var before = ProcessCounters.Read();
            var clock = Stopwatch.StartNew();
            var result = BenchTraining.Run(new TrainRequest
            {
                Dataset = DatasetSpec.FromCsvFiles(train, val, test, "normal"),
                Phase = PhaseSelection.Unsupervised, Output = Path.Combine(work, "phantom-runs", organ),
                EpochsUnsupervised = epochs, ImageSize = 64, Channels = 1, BatchSize = 32, VaeData = VaeData.Normal, Compute = compute,
            });
            var minutes = clock.Elapsed.TotalMinutes;
            var used = ProcessCounters.Read() - before;
            var loaded = DetectorLoader.Load(result.ModelPath!, CPU);
            int trainImages = File.ReadLines(train).Count() - 1;
            Console.WriteLine($"phantoms-oneclass: {organ}: {trainImages} normal train images, {epochs} epochs at 64×64, {minutes:F1} min " +
                              $"(CPU user {used.UserSeconds:F0} s, sys {used.SystemSeconds:F0} s, peak RSS {used.PeakRssBytes / 1048576.0:F0} MiB); " +
                              $"package score {loaded.Manifest.Models.Vae?.Score}: test AUROC {result.Test!.ComponentAuroc["reconstruction"] ?? double.NaN:F4} (target >= 0.95)");
            foreach (var (kind, auroc) in BenchTraining.CompareScores(loaded, test))
                Console.WriteLine($"phantoms-oneclass:   {organ} score {kind,-20} test AUROC {auroc:F4}");
        }
    }

    private static async Task<string> Organized(string work, int perOrgan)
    {
        var root = Path.Combine(work, $"phantom-dataset-{perOrgan}");
        var folder = Path.Combine(root, "phantoms");
        if (File.Exists(Path.Combine(folder, "metadata.json"))) return folder;
        var sample = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = Path.Combine(root, "sample"), ImagesPerOrgan = perOrgan });
        await new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).OrganizeAsync(
            new OrganizeOptions { Sources = [sample.ManifestPath], Name = "phantoms", OutputRoot = root }, null, CancellationToken.None);
        return folder;
    }
}
