namespace Vigil.Core.Metrics;

/// <summary>
/// Ranking metrics of an anomaly score against binary labels (1 = anomaly = positive, 0 = normal).
/// Every method validates its input (same length, non-empty, finite scores, labels 0/1) and throws
/// <see cref="ArgumentException"/> otherwise. A metric that is merely <em>undefined</em> for the data
/// (AUROC with one class) returns <see cref="double.NaN"/> instead, so an evaluation loop can keep going;
/// such values serialize as JSON null. docs/metrics.md states each definition and its scikit-learn equivalent.
/// </summary>
public static class BinaryMetrics
{
    /// <summary>The false-alarm budgets reported when none are given: 1 %, 5 % and 10 %.</summary>
    public static IReadOnlyList<double> DefaultFprTargets { get; } = [0.01, 0.05, 0.10];

    /// <summary>
    /// Area under the ROC curve = probability that a random anomaly scores higher than a random normal, ties
    /// counting 1/2. Equals scikit-learn's <c>roc_auc_score(y, s)</c>. O(n log n), computed from integer counts
    /// so the only rounding is one final division.
    /// </summary>
    /// <returns>The AUROC in [0, 1], or NaN when only one class is present (not defined).</returns>
    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels) =>
        AurocOf(ThresholdCounts.From(scores, labels));

    /// <summary>
    /// Standard error of an AUROC of <paramref name="auroc"/> measured on <paramref name="anomalies"/> anomalous and
    /// <paramref name="normals"/> normal images, after Hanley and McNeil (Radiology, 1982): how far it may move on
    /// another sample of the same size, to tell a real difference between two scores from the luck of a small set.
    /// (Written from the paper's formula; no library here provides it.)
    /// </summary>
    /// <returns>The standard error, or NaN when the AUROC is not finite or a side is empty.</returns>
    public static double AurocStandardError(double auroc, int anomalies, int normals)
    {
        if (!double.IsFinite(auroc) || anomalies < 1 || normals < 1) return double.NaN;
        double a = Math.Clamp(auroc, 0, 1);
        double q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
        double variance = (a * (1 - a) + (anomalies - 1) * (q1 - a * a) + (normals - 1) * (q2 - a * a)) / ((double)anomalies * normals);
        return Math.Sqrt(Math.Max(0, variance));
    }

    /// <summary>
    /// <see cref="AurocStandardError(double, int, int)"/> with the counts taken from <paramref name="labels"/>
    /// (1 = anomalous, 0 = normal, as <see cref="Auroc"/> reads them).
    /// </summary>
    public static double AurocStandardError(double auroc, IReadOnlyCollection<int> labels)
    {
        int anomalies = labels.Count(l => l == 1);
        return AurocStandardError(auroc, anomalies, labels.Count - anomalies);
    }

    internal static double AurocOf(ThresholdCounts counts)
    {
        if (counts.Positives == 0 || counts.Negatives == 0) return double.NaN;

        // Trapezoids between consecutive ROC points, scaled by 2·P·N to stay in integers:
        // area·2PN = Σ ΔFP_i · (TP_i + TP_{i-1}).
        long twiceArea = 0;
        int previousTp = 0, previousFp = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            int tp = counts.TruePositives[i], fp = counts.FalsePositives[i];
            twiceArea += (long)(fp - previousFp) * (tp + previousTp);
            previousTp = tp;
            previousFp = fp;
        }
        return twiceArea / (2.0 * counts.Positives * counts.Negatives);
    }

    /// <summary>
    /// Average precision: Σ over distinct thresholds (descending) of (R_i − R_{i−1}) · P_i, the step integral of
    /// the precision-recall curve without interpolation. Equals scikit-learn's <c>average_precision_score(y, s)</c>
    /// (not the trapezoidal area, which is optimistic). A random score gives about the anomaly prevalence.
    /// </summary>
    /// <returns>AP in [0, 1]; NaN when there is no anomaly (recall undefined); 1 when every sample is an anomaly.</returns>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels) =>
        AveragePrecisionOf(ThresholdCounts.From(scores, labels));

    internal static double AveragePrecisionOf(ThresholdCounts counts)
    {
        if (counts.Positives == 0) return double.NaN;

        double sum = 0.0;
        int previousTp = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            int tp = counts.TruePositives[i];
            if (tp != previousTp)
            {
                double precision = (double)tp / (tp + counts.FalsePositives[i]);
                sum += (tp - previousTp) * precision;
                previousTp = tp;
            }
        }
        return sum / counts.Positives;
    }

    /// <summary>
    /// The best TPR whose FPR stays at or under <paramref name="targetFpr"/> (see <see cref="Metrics.TprAtFpr"/>
    /// for the exact definition).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetFpr"/> outside [0, 1].</exception>
    public static TprAtFpr TprAtFpr(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double targetFpr)
    {
        BinaryInput.RequireUnitInterval(targetFpr, nameof(targetFpr));
        return TprAtFprOf(ThresholdCounts.From(scores, labels), targetFpr);
    }

    internal static TprAtFpr TprAtFprOf(ThresholdCounts counts, double targetFpr)
    {
        if (counts.Negatives == 0) return new TprAtFpr(targetFpr, double.NaN, double.NaN, double.NaN);
        var point = LowestThresholdWithinFpr(counts, targetFpr);
        return new TprAtFpr(targetFpr, point.Tpr, point.Fpr, point.Threshold);
    }

    /// <summary>
    /// The operating point with the lowest threshold (hence the highest TPR, TPR being monotone) whose FPR is at or
    /// under the target; the "nothing positive" point when even the highest score exceeds the budget.
    /// Requires at least one negative.
    /// </summary>
    internal static OperatingPoint LowestThresholdWithinFpr(ThresholdCounts counts, double targetFpr)
    {
        int best = -1;
        // FP counts grow with i, so the qualifying points form a prefix: stop at the first one over budget.
        for (int i = 0; i < counts.Count && (double)counts.FalsePositives[i] / counts.Negatives <= targetFpr; i++)
        {
            best = i;
        }
        return best < 0 ? counts.PointAboveAll() : counts.PointAt(best);
    }

    /// <summary>
    /// Detection rate (TPR) and false-alarm rate (FPR), with precision and F1, of the rule
    /// <c>score &gt;= threshold</c>. O(n). Rates without a denominator are NaN.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid input, or a NaN threshold.</exception>
    public static OperatingPoint AtThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double threshold)
    {
        var (positives, negatives) = BinaryInput.Validate(scores, labels);
        if (double.IsNaN(threshold))
        {
            throw new ArgumentException("threshold is NaN; pass a number (scores >= threshold are anomalies).", nameof(threshold));
        }
        int tp = 0, fp = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= threshold)
            {
                if (labels[i] == 1) tp++; else fp++;
            }
        }
        return OperatingPoint.FromCounts(threshold, tp, fp, positives, negatives);
    }

    /// <summary>
    /// AUROC, average precision and TPR at each false-alarm budget from a single sort.
    /// </summary>
    /// <param name="scores">Anomaly scores, higher = more anomalous; finite.</param>
    /// <param name="labels">1 = anomaly, 0 = normal.</param>
    /// <param name="fprTargets">False-alarm budgets in [0, 1]; <see cref="DefaultFprTargets"/> when null.</param>
    public static BinarySummary Summarize(
        ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, IReadOnlyList<double>? fprTargets = null)
    {
        fprTargets ??= DefaultFprTargets;
        for (int t = 0; t < fprTargets.Count; t++)
        {
            BinaryInput.RequireUnitInterval(fprTargets[t], nameof(fprTargets));
        }

        var counts = ThresholdCounts.From(scores, labels);
        var tprAtFpr = new TprAtFpr[fprTargets.Count];
        for (int t = 0; t < tprAtFpr.Length; t++)
        {
            tprAtFpr[t] = TprAtFprOf(counts, fprTargets[t]);
        }
        return new BinarySummary(
            AurocOf(counts), AveragePrecisionOf(counts), counts.Positives, counts.Negatives, tprAtFpr);
    }
}
