namespace Vigil.Core.Metrics;

/// <summary>
/// Precision and recall at every distinct score, in scikit-learn's <c>precision_recall_curve</c> layout:
/// thresholds ascending (the distinct scores), recall therefore non-increasing, and one final point
/// (precision 1, recall 0) with no threshold, so <c>Precision</c> and <c>Recall</c> are one longer than
/// <c>Thresholds</c>. Point i (i &lt; Thresholds.Count) is the rule <c>score &gt;= Thresholds[i]</c>.
/// </summary>
/// <param name="Precision">TP / (TP + FP) at each threshold, then 1.</param>
/// <param name="Recall">TP / P at each threshold, then 0.</param>
/// <param name="Thresholds">Distinct scores, ascending.</param>
public sealed record PrecisionRecallCurve(
    IReadOnlyList<double> Precision, IReadOnlyList<double> Recall, IReadOnlyList<double> Thresholds)
{
    /// <summary>Computes the curve in O(n log n).</summary>
    /// <param name="scores">Anomaly scores, higher = more anomalous; finite.</param>
    /// <param name="labels">1 = anomaly (positive), 0 = normal.</param>
    /// <exception cref="ArgumentException">
    /// Empty input, mismatched lengths, non-finite scores, labels other than 0/1, or no positive sample (recall
    /// would be 0/0; scikit-learn warns and substitutes 1, which draws a meaningless curve).
    /// </exception>
    public static PrecisionRecallCurve Compute(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var counts = ThresholdCounts.From(scores, labels);
        if (counts.Positives == 0)
        {
            throw new ArgumentException(
                "no anomaly (1) labels are present; a precision-recall curve needs at least one positive.", nameof(labels));
        }

        int m = counts.Count;
        var precision = new double[m + 1];
        var recall = new double[m + 1];
        var thresholds = new double[m];
        for (int i = 0; i < m; i++)
        {
            int j = m - 1 - i; // counts are stored highest threshold first
            int tp = counts.TruePositives[j];
            precision[i] = (double)tp / (tp + counts.FalsePositives[j]);
            recall[i] = (double)tp / counts.Positives;
            thresholds[i] = counts.Thresholds[j];
        }
        precision[m] = 1.0;
        recall[m] = 0.0;
        return new PrecisionRecallCurve(precision, recall, thresholds);
    }
}
