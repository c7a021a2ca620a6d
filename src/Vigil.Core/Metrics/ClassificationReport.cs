using System.Globalization;

namespace Vigil.Core.Metrics;

/// <summary>
/// Multi-class classification quality: scikit-learn's <c>classification_report(labels=range(n),
/// zero_division=0)</c> plus specificity, the confusion matrix and, when built from probabilities, one-vs-rest AUC.
/// Every class index below the class count is reported, present in the data or not (absent classes have zeros,
/// and count in the macro average, as in scikit-learn).
/// </summary>
/// <param name="Accuracy">Correct predictions / all samples.</param>
/// <param name="PerClass">One entry per class, by index.</param>
/// <param name="MacroAvg">Unweighted mean over classes.</param>
/// <param name="WeightedAvg">Support-weighted mean over classes.</param>
/// <param name="ConfusionMatrix">Rows = true class, columns = predicted class.</param>
/// <param name="RocAucOvr">One-vs-rest ROC AUC; null unless the report was built from probabilities.</param>
public sealed record ClassificationReport(
    double Accuracy,
    IReadOnlyList<ClassMetrics> PerClass,
    AveragedMetrics MacroAvg,
    AveragedMetrics WeightedAvg,
    ConfusionMatrix ConfusionMatrix,
    OneVsRestAuc? RocAucOvr = null)
{
    /// <summary>Report of hard predictions. O(n + k²).</summary>
    /// <param name="trueClasses">True class index per sample.</param>
    /// <param name="predictedClasses">Predicted class index per sample.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="classNames">Optional names, one per class.</param>
    /// <exception cref="ArgumentException">Mismatched lengths, no sample, an index out of range, or a wrong name count.</exception>
    public static ClassificationReport Compute(
        ReadOnlySpan<int> trueClasses, ReadOnlySpan<int> predictedClasses, int classCount,
        IReadOnlyList<string>? classNames = null) =>
        FromConfusionMatrix(ConfusionMatrix.From(trueClasses, predictedClasses, classCount), classNames);

    /// <summary>
    /// Report of a probabilistic classifier: predictions are the top-1 class (lowest index on ties), and
    /// <see cref="RocAucOvr"/> is filled in.
    /// </summary>
    /// <param name="probabilities">One row per sample, one column per class.</param>
    /// <param name="trueClasses">True class index per sample.</param>
    /// <param name="classNames">Optional names, one per class.</param>
    public static ClassificationReport FromProbabilities(
        IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses, IReadOnlyList<string>? classNames = null)
    {
        int classCount = ClassProbabilities.Validate(probabilities, trueClasses);
        int[] predicted = ClassProbabilities.Top1(probabilities);
        var report = Compute(trueClasses, predicted, classCount, classNames);
        return report with { RocAucOvr = OneVsRestAuc.Compute(probabilities, trueClasses) };
    }

    /// <summary>Report of an already accumulated confusion matrix (e.g. summed over batches).</summary>
    /// <exception cref="ArgumentException">An empty matrix or a wrong name count.</exception>
    public static ClassificationReport FromConfusionMatrix(ConfusionMatrix matrix, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.ClassCount;
        if (classNames is not null && classNames.Count != n)
        {
            throw new ArgumentException($"{classNames.Count} class names for {n} classes; give one name per class.", nameof(classNames));
        }
        int total = matrix.Total;
        if (total == 0) throw new ArgumentException("the confusion matrix counts no sample.", nameof(matrix));

        var perClass = new ClassMetrics[n];
        double macroP = 0, macroR = 0, macroS = 0, macroF = 0;
        double weightedP = 0, weightedR = 0, weightedS = 0, weightedF = 0;
        for (int k = 0; k < n; k++)
        {
            int tp = matrix[k, k];
            int support = matrix.RowTotal(k);
            int fp = matrix.ColumnTotal(k) - tp;
            int fn = support - tp;
            int tn = total - tp - fp - fn;
            var m = new ClassMetrics(
                k,
                classNames?[k] ?? k.ToString(CultureInfo.InvariantCulture),
                Ratio(tp, tp + fp),
                Ratio(tp, support),
                Ratio(tn, tn + fp),
                Ratio(2L * tp, 2L * tp + fp + fn),
                support);
            perClass[k] = m;
            macroP += m.Precision; macroR += m.Recall; macroS += m.Specificity; macroF += m.F1;
            weightedP += support * m.Precision; weightedR += support * m.Recall;
            weightedS += support * m.Specificity; weightedF += support * m.F1;
        }
        return new ClassificationReport(
            (double)matrix.Correct / total,
            perClass,
            new AveragedMetrics(macroP / n, macroR / n, macroS / n, macroF / n, total),
            new AveragedMetrics(weightedP / total, weightedR / total, weightedS / total, weightedF / total, total),
            matrix);
    }

    // zero_division=0: a ratio with nothing to divide by reports 0, never NaN.
    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? 0.0 : (double)numerator / denominator;
}
