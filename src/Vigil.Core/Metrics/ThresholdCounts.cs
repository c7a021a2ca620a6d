namespace Vigil.Core.Metrics;

/// <summary>
/// The confusion counts at every distinct score, which is all that ROC, PR, TPR@FPR and threshold selection need.
/// Entry i describes the rule <c>score &gt;= Thresholds[i]</c>; thresholds are the distinct scores in descending
/// order, so counts grow with i. This is sklearn's <c>_binary_clf_curve</c>: one sort, one pass, O(n log n).
/// </summary>
internal sealed class ThresholdCounts
{
    private ThresholdCounts(double[] thresholds, int[] truePositives, int[] falsePositives, int positives, int negatives)
    {
        Thresholds = thresholds;
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        Positives = positives;
        Negatives = negatives;
    }

    /// <summary>Distinct scores, highest first.</summary>
    public double[] Thresholds { get; }

    /// <summary>Positives with score ≥ Thresholds[i].</summary>
    public int[] TruePositives { get; }

    /// <summary>Negatives with score ≥ Thresholds[i].</summary>
    public int[] FalsePositives { get; }

    /// <summary>Samples labelled 1.</summary>
    public int Positives { get; }

    /// <summary>Samples labelled 0.</summary>
    public int Negatives { get; }

    /// <summary>Number of distinct scores.</summary>
    public int Count => Thresholds.Length;

    /// <summary>Validates the input and builds the counts.</summary>
    public static ThresholdCounts From(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var (positives, negatives) = BinaryInput.Validate(scores, labels);

        double[] keys = scores.ToArray();
        int[] items = labels.ToArray();
        // Ascending sort, walked backwards. The order inside a tie does not matter: counts are only read at the
        // end of each group of equal scores, which is exactly how tied scores must be treated.
        Array.Sort(keys, items);

        var thresholds = new double[keys.Length];
        var tps = new int[keys.Length];
        var fps = new int[keys.Length];
        int groups = 0, tp = 0, fp = 0;
        for (int i = keys.Length - 1; i >= 0; i--)
        {
            if (items[i] == 1) tp++; else fp++;
            // -0.0 == 0.0 here, as in numpy's diff, so signed zeros form one group.
            if (i == 0 || keys[i - 1] != keys[i])
            {
                thresholds[groups] = keys[i];
                tps[groups] = tp;
                fps[groups] = fp;
                groups++;
            }
        }
        Array.Resize(ref thresholds, groups);
        Array.Resize(ref tps, groups);
        Array.Resize(ref fps, groups);
        return new ThresholdCounts(thresholds, tps, fps, positives, negatives);
    }

    /// <summary>
    /// The threshold that predicts nothing positive: max score + 1, as scikit-learn ≤ 1.2 writes it (1.3+ writes
    /// +inf; both mean "nothing reaches it"). A finite value keeps the curve serializable as JSON.
    /// </summary>
    public double AboveAll => Thresholds[0] + 1.0;

    /// <summary>The operating point of the rule <c>score &gt;= Thresholds[i]</c>.</summary>
    public OperatingPoint PointAt(int i) =>
        OperatingPoint.FromCounts(Thresholds[i], TruePositives[i], FalsePositives[i], Positives, Negatives);

    /// <summary>The operating point where nothing is positive (threshold <see cref="AboveAll"/>).</summary>
    public OperatingPoint PointAboveAll() => OperatingPoint.FromCounts(AboveAll, 0, 0, Positives, Negatives);
}
