using Vigil.ML.Runs;

namespace Vigil.Cli.Commands;

/// <summary>The text summary of a training run.</summary>
public static class TrainSummary
{
    /// <summary>Prints what was trained, where it went, and the headline metrics.</summary>
    public static void Print(TrainResult result)
    {
        if (result.Stopped)
        {
            Console.WriteLine($"Stopped. Checkpoints are in {result.Output}; continue with: vigil train ... --output {result.Output} --resume");
            return;
        }
        Console.WriteLine($"Model: {result.ModelPath}");
        Console.WriteLine($"Run folder: {result.Output} (metrics.json, history.csv, plots/, events.jsonl)");
        foreach (var r in new[] { result.Validation, result.Test }.OfType<EvaluationReport>())
            Console.WriteLine(EvaluateCommand.Headline(r));
        foreach (var r in result.Routing)
            Console.WriteLine($"Router ({r.Split}, {r.Images:N0} images): routing accuracy {r.Accuracy:P2}, unroutable {r.Unroutable:P2} " +
                              $"(OOD {r.OodFlagged:P2}), calibration error {r.EceUncalibrated:F3} → {r.Ece:F3}");
        if (result.Validation?.ComponentAuroc is { Count: > 0 } parts)
            Console.WriteLine($"Validation AUROC of each part: classifier {Show(parts.GetValueOrDefault("supervised"))}, VAE {Show(parts.GetValueOrDefault("reconstruction"))}, " +
                              $"hybrid {Show(parts.GetValueOrDefault("hybrid"))}");
        if (result.Issues.Count > 0) Console.WriteLine($"{result.Issues.Count} images were skipped while loading (first: {result.Issues[0]})");
    }

    private static string Show(double? auroc) => auroc is { } a ? a.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
