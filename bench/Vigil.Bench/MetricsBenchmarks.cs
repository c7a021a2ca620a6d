using System.Diagnostics;
using System.Globalization;
using Vigil.Core.Metrics;

namespace Vigil.Bench;

/// <summary>Evaluation metrics on large score sets: what an evaluation of a big test split costs.</summary>
public static class MetricsBenchmarks
{
    /// <summary>
    /// The binary summary (AUROC, AUPRC, thresholds) and the ROC curve of <paramref name="samples"/> scores, 10 %
    /// positives scoring half a unit higher, rounded to 4 digits so that ties occur; median of 11 rounds.
    /// </summary>
    public static void Ranking(int samples = 200_000)
    {
        var random = new Random(3);
        var labels = new int[samples];
        var scores = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            labels[i] = random.Next(10) == 0 ? 1 : 0;
            scores[i] = Math.Round(random.NextDouble() + 0.5 * labels[i], 4);
        }
        BinaryMetrics.Summarize(scores, labels); // JIT
        var times = new List<double>();
        double auroc = 0;
        int points = 0;
        for (int round = 0; round < 11; round++)
        {
            var clock = Stopwatch.StartNew();
            auroc = BinaryMetrics.Summarize(scores, labels).Auroc;
            points = RocCurve.Compute(scores, labels).Fpr.Count;
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metrics-ranking: {samples:N0} samples, summary + ROC curve ({points:N0} points, AUROC {auroc:F4}): median {times[5]:N1} ms, max {times[^1]:N1} ms"));
    }
}
