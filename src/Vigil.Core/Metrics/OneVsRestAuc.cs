using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// One-vs-rest ROC AUC of a multi-class model: for each class k, the AUROC of column k of the probabilities
/// against "true class is k". Macro = plain mean over classes, weighted = mean weighted by support; equal to
/// scikit-learn's <c>roc_auc_score(y, P, multi_class="ovr", average="macro" | "weighted")</c> whenever scikit-learn
/// accepts the input (every class present, rows summing to 1).
/// Where scikit-learn raises, Vigil keeps going: a class absent from the set (or the only one present) has an
/// undefined AUROC, NaN in <see cref="PerClass"/> (JSON null), and the averages are taken over the defined classes
/// (NaN when none is defined).
/// </summary>
/// <param name="PerClass">AUROC of each class, by class index.</param>
/// <param name="Macro">Unweighted mean of the defined per-class values.</param>
/// <param name="Weighted">Support-weighted mean of the defined per-class values.</param>
public sealed record OneVsRestAuc(
    [property: JsonConverter(typeof(NaNAsNullListJsonConverter))] IReadOnlyList<double> PerClass,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Macro,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Weighted)
{
    /// <summary>Computes every class's AUROC in O(k · n log n).</summary>
    /// <param name="probabilities">One row per sample, one column per class.</param>
    /// <param name="trueClasses">True class index per sample.</param>
    /// <exception cref="ArgumentException">Invalid matrix or labels.</exception>
    public static OneVsRestAuc Compute(IReadOnlyList<double[]> probabilities, ReadOnlySpan<int> trueClasses)
    {
        int classCount = ClassProbabilities.Validate(probabilities, trueClasses);
        var perClass = new double[classCount];
        double sum = 0.0, weightedSum = 0.0;
        int defined = 0;
        long weight = 0;
        for (int k = 0; k < classCount; k++)
        {
            var (scores, labels) = ClassProbabilities.OneVsRest(probabilities, trueClasses, k);
            double auc = BinaryMetrics.Auroc(scores, labels);
            perClass[k] = auc;
            if (double.IsNaN(auc)) continue;

            int support = 0;
            foreach (int label in labels) support += label;
            sum += auc;
            defined++;
            weightedSum += support * auc;
            weight += support;
        }
        return new OneVsRestAuc(
            perClass,
            defined == 0 ? double.NaN : sum / defined,
            weight == 0 ? double.NaN : weightedSum / weight);
    }
}
