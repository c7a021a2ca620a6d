namespace Vigil.Core.Metrics;

/// <summary>
/// Chooses a decision threshold for an anomaly score on a labelled (validation) set and returns it with the
/// operating point it gives there. The decision rule is always <c>is_anomaly = score &gt;= threshold</c>, and every
/// returned threshold is one of the scores themselves (or max + 1 for "nothing positive"), so applying the rule to
/// the same scores reproduces the reported TPR/FPR/precision/F1 exactly.
/// Candidates are the distinct scores; when several reach the same best value, the highest threshold wins (fewest
/// alarms for the same quality). Each method is O(n log n).
/// </summary>
public static class ThresholdSelection
{
    /// <summary>
    /// The threshold with the highest F1 (2·TP / (2·TP + FP + FN)) over all distinct scores.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid input or no anomaly in the set (F1 is 0 everywhere).</exception>
    public static OperatingPoint MaxF1(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var counts = ThresholdCounts.From(scores, labels);
        RequirePositives(counts, "F1");

        int best = 0;
        long bestNumerator = -1, bestDenominator = 1;
        for (int i = 0; i < counts.Count; i++)
        {
            // F1 = 2TP / (P + TP + FP): compare fractions in integers so near-ties are not decided by rounding.
            long numerator = 2L * counts.TruePositives[i];
            long denominator = (long)counts.Positives + counts.TruePositives[i] + counts.FalsePositives[i];
            if (numerator * bestDenominator > bestNumerator * denominator)
            {
                best = i;
                bestNumerator = numerator;
                bestDenominator = denominator;
            }
        }
        return counts.PointAt(best);
    }

    /// <summary>
    /// The threshold maximizing Youden's J = TPR − FPR (= sensitivity + specificity − 1) over all distinct scores.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid input or only one class present.</exception>
    public static OperatingPoint MaxYoudenJ(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var counts = ThresholdCounts.From(scores, labels);
        RocCurve.RequireBothClasses(counts);

        int best = 0;
        long bestJ = long.MinValue;
        for (int i = 0; i < counts.Count; i++)
        {
            // J·P·N = TP·N − FP·P, exact in integers.
            long j = (long)counts.TruePositives[i] * counts.Negatives - (long)counts.FalsePositives[i] * counts.Positives;
            if (j > bestJ)
            {
                best = i;
                bestJ = j;
            }
        }
        return counts.PointAt(best);
    }

    /// <summary>
    /// The highest threshold whose sensitivity (TPR) reaches <paramref name="sensitivity"/>: the fewest false alarms
    /// among the rules that catch the required share of anomalies. (The lowest such threshold is always the minimum
    /// score, which flags everything, hence not offered.)
    /// </summary>
    /// <param name="scores">Anomaly scores.</param>
    /// <param name="labels">1 = anomaly, 0 = normal.</param>
    /// <param name="sensitivity">Required TPR in [0, 1], e.g. 0.95.</param>
    /// <exception cref="ArgumentException">Invalid input or no anomaly in the set.</exception>
    public static OperatingPoint ForSensitivity(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double sensitivity)
    {
        BinaryInput.RequireUnitInterval(sensitivity, nameof(sensitivity));
        var counts = ThresholdCounts.From(scores, labels);
        RequirePositives(counts, "sensitivity");

        // TPR grows with i and reaches 1 at the last point, so a qualifying point always exists.
        int i = 0;
        while ((double)counts.TruePositives[i] / counts.Positives < sensitivity) i++;
        return counts.PointAt(i);
    }

    /// <summary>
    /// The lowest threshold whose false-alarm rate (FPR) stays at or under <paramref name="maxFpr"/>: the highest
    /// sensitivity within an alarm budget (the operating point of <see cref="BinaryMetrics.TprAtFpr"/>). Needs only
    /// normal samples, so it also serves when the validation set has no anomaly (TPR is then NaN). When even the
    /// highest score is over budget, the "nothing positive" point (threshold max + 1) is returned.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid input or no normal sample in the set.</exception>
    public static OperatingPoint ForFalseAlarmRate(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double maxFpr)
    {
        BinaryInput.RequireUnitInterval(maxFpr, nameof(maxFpr));
        var counts = ThresholdCounts.From(scores, labels);
        if (counts.Negatives == 0)
        {
            throw new ArgumentException(
                "no normal (0) labels are present; a false-alarm rate needs normal samples.", nameof(labels));
        }
        return BinaryMetrics.LowestThresholdWithinFpr(counts, maxFpr);
    }

    /// <summary>
    /// Per-class required sensitivity for a critical class of a multi-class model: treats column
    /// <paramref name="classIndex"/> of the probabilities as a one-vs-rest score (class k = positive) and returns
    /// the highest threshold reaching <paramref name="sensitivity"/>, as <see cref="ForSensitivity"/> does. The rule
    /// becomes <c>flag class k when p_k &gt;= threshold</c>, whatever the argmax says.
    /// </summary>
    /// <param name="probabilities">One row per sample, one column per class.</param>
    /// <param name="trueClasses">The true class index of each sample.</param>
    /// <param name="classIndex">The critical class k.</param>
    /// <param name="sensitivity">Required recall of class k, in [0, 1].</param>
    /// <exception cref="ArgumentException">Invalid matrix or labels, or class k absent from the set.</exception>
    public static OperatingPoint ForClassSensitivity(
        IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses, int classIndex, double sensitivity)
    {
        int classCount = ClassProbabilities.Validate(probabilities, trueClasses);
        if ((uint)classIndex >= (uint)classCount)
        {
            throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, $"must be within [0, {classCount}).");
        }
        var (column, isClass) = ClassProbabilities.OneVsRest(probabilities, trueClasses, classIndex);
        return ForSensitivity(column, isClass, sensitivity);
    }

    private static void RequirePositives(ThresholdCounts counts, string what)
    {
        if (counts.Positives == 0)
        {
            throw new ArgumentException(
                $"no anomaly (1) labels are present; a threshold for {what} needs at least one positive.", "labels");
        }
    }
}
