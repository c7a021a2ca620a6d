using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Runs;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>What the quality benchmarks share: training through <see cref="TrainingRun"/> and scoring every VAE score kind.</summary>
public static class BenchTraining
{
    /// <summary>Runs <see cref="TrainingRun"/> with progress on stderr; a fresh folder unless the request resumes.</summary>
    public static TrainResult Run(TrainRequest request)
    {
        // A resumable run keeps its folder: deleting it would throw away hours of training (and a finished model).
        if (!request.Resume && Directory.Exists(request.Output)) Directory.Delete(request.Output, recursive: true);
        string? last = null;
        void Log(string line) { if (line != last) Console.Error.WriteLine("  " + line); last = line; }
        return TrainingRun.Run(request, new EpochPrinter(), new TrainingControl(), Log, CancellationToken.None);
    }

    /// <summary>
    /// Test AUROC of every score kind of one packaged model on the images of <paramref name="testCsv"/> (anomaly = any
    /// label but the package's normal class), as <c>vigil evaluate</c> lists them; kinds it cannot compute are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, double?> CompareScores(LoadedDetector loaded, string testCsv)
    {
        var spec = DatasetSpec.FromCsvFiles(testCsv, null, null, null);
        using var data = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = loaded.Manifest.ImageSize, Channels = loaded.Manifest.Channels, Folder = spec.CacheFolder });
        return Evaluator.ScoreKindAuroc(loaded.Parts, data, spec.Classes, 128, CPU);
    }

    /// <summary>One line per epoch on stderr, so a long benchmark shows progress.</summary>
    internal sealed class EpochPrinter : IRunObserver
    {
        public void OnEvent(RunEvent e)
        {
            if (e is EpochCompleted ep)
                Console.Error.WriteLine($"  epoch {ep.Epoch}: train loss {ep.TrainLoss:F4}, val loss {ep.ValLoss:F4}, val acc {ep.Accuracy:F4}, val AUROC {ep.AurocMacro:F4}, {ep.ImagesPerSecond:F0} img/s, {ep.ElapsedSeconds:F0} s");
        }
    }
}

/// <summary>Benchmark CSVs cut from an organized dataset's splits.</summary>
public static class BenchCsv
{
    /// <summary>
    /// Writes <c>bench-NAME.csv</c> in the dataset folder (so its relative paths stay valid) with the rows of one
    /// split that pass <paramref name="include"/>, which sees each row as column name → cell. A row that fails
    /// <paramref name="labeled"/> keeps its place in the split as an unlabeled image (its label blanked).
    /// </summary>
    public static string Write(string dataset, string name, string split, Func<IReadOnlyDictionary<string, string>, bool> include,
        Func<IReadOnlyDictionary<string, string>, bool>? labeled = null)
    {
        var lines = File.ReadAllLines(Path.Combine(dataset, "splits", split + ".csv"));
        var header = lines[0].Split(',');
        // The benchmarks' datasets (Fashion-MNIST, the phantoms) hold no commas or quotes in paths, labels or
        // regions, so a plain split is exact here.
        int labelCol = Array.IndexOf(header, "label");
        var rows = new List<string>();
        foreach (string line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var row = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i < cells.Length ? cells[p.i] : "");
            if (!include(row)) continue;
            if (labeled is not null && !labeled(row)) cells[labelCol] = "";
            rows.Add(string.Join(',', cells));
        }
        var path = Path.Combine(dataset, $"bench-{name}.csv");
        File.WriteAllLines(path, rows.Prepend(lines[0]));
        return path;
    }
}
