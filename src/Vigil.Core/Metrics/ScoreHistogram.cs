namespace Vigil.Core.Metrics;

/// <summary>
/// Score histograms of normal and anomalous samples on shared bins, for the "scores, normal vs anomalous" chart.
/// Bins follow <see cref="Histogram"/> (numpy's rules); values outside an explicit range are left out of both.
/// </summary>
/// <param name="BinEdges">Bin count + 1 edges, ascending.</param>
/// <param name="Normal">Normal samples (label 0) per bin.</param>
/// <param name="Anomalous">Anomalous samples (label 1) per bin.</param>
public sealed record ScoreHistogram(IReadOnlyList<double> BinEdges, IReadOnlyList<int> Normal, IReadOnlyList<int> Anomalous)
{
    /// <summary>Shared bins over [min, max] of all scores.</summary>
    /// <exception cref="ArgumentException">Invalid binary input or fewer than one bin.</exception>
    public static ScoreHistogram Compute(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, int binCount)
    {
        BinaryInput.Validate(scores, labels);
        var (min, max) = Descriptive.FiniteRange(scores, nameof(scores));
        return Compute(scores, labels, binCount, min, max);
    }

    /// <summary>Shared bins over a fixed range (e.g. [0, 1] for calibrated anomaly scores).</summary>
    /// <exception cref="ArgumentException">Invalid binary input, fewer than one bin, or an invalid range.</exception>
    public static ScoreHistogram Compute(
        ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, int binCount, double min, double max)
    {
        BinaryInput.Validate(scores, labels);
        var bins = new Bins(binCount, min, max);
        var normal = new int[binCount];
        var anomalous = new int[binCount];
        for (int i = 0; i < scores.Length; i++)
        {
            int b = bins.IndexOf(scores[i], nameof(scores));
            if (b < 0 || b >= binCount) continue;
            if (labels[i] == 1) anomalous[b]++; else normal[b]++;
        }
        return new ScoreHistogram(bins.Edges, normal, anomalous);
    }
}
