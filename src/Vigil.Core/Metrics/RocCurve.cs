namespace Vigil.Core.Metrics;

/// <summary>
/// The receiver operating characteristic: one point per distinct score, plus the origin.
/// Same arrays as scikit-learn's <c>roc_curve(y, s, drop_intermediate=False)</c>: thresholds descending,
/// <c>Thresholds[0] = max(score) + 1</c> (nothing positive, FPR = TPR = 0), then every distinct score, the last one
/// being the minimum (everything positive, FPR = TPR = 1). Point i is the rule <c>score &gt;= Thresholds[i]</c>.
/// </summary>
/// <param name="Fpr">False-positive rate at each threshold, non-decreasing.</param>
/// <param name="Tpr">True-positive rate at each threshold, non-decreasing.</param>
/// <param name="Thresholds">Decision thresholds, strictly decreasing.</param>
public sealed record RocCurve(IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, IReadOnlyList<double> Thresholds)
{
    /// <summary>
    /// Computes the curve in O(n log n).
    /// </summary>
    /// <param name="scores">Anomaly scores, higher = more anomalous; finite.</param>
    /// <param name="labels">1 = anomaly (positive), 0 = normal.</param>
    /// <exception cref="ArgumentException">
    /// Empty input, mismatched lengths, non-finite scores, labels other than 0/1, or only one class present
    /// (a ROC curve needs both: one of its axes would be 0/0).
    /// </exception>
    public static RocCurve Compute(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var counts = ThresholdCounts.From(scores, labels);
        RequireBothClasses(counts);

        int m = counts.Count;
        var fpr = new double[m + 1];
        var tpr = new double[m + 1];
        var thresholds = new double[m + 1];
        thresholds[0] = counts.AboveAll;
        for (int i = 0; i < m; i++)
        {
            fpr[i + 1] = (double)counts.FalsePositives[i] / counts.Negatives;
            tpr[i + 1] = (double)counts.TruePositives[i] / counts.Positives;
            thresholds[i + 1] = counts.Thresholds[i];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    internal static void RequireBothClasses(ThresholdCounts counts)
    {
        if (counts.Positives == 0 || counts.Negatives == 0)
        {
            string present = counts.Positives == 0 ? "normal (0)" : "anomaly (1)";
            throw new ArgumentException(
                $"only {present} labels are present; a ROC curve needs both normal and anomalous samples.", "labels");
        }
    }
}
