using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// What a binary decision rule does on a labelled set. The rule is always
/// <c>is_anomaly = score &gt;= Threshold</c>; applying exactly that comparison to the same scores reproduces
/// these counts.
/// </summary>
/// <param name="Threshold">Scores at or above it are called anomalous.</param>
/// <param name="Tpr">True-positive rate = sensitivity = recall = detection rate, TP / (TP + FN); NaN (JSON null) without positives.</param>
/// <param name="Fpr">False-positive rate = false-alarm rate = 1 − specificity, FP / (FP + TN); NaN (JSON null) without negatives.</param>
/// <param name="Precision">TP / (TP + FP); 0 when nothing is called positive (scikit-learn's zero_division=0).</param>
/// <param name="F1">2·TP / (2·TP + FP + FN); 0 when that denominator is 0.</param>
/// <param name="TruePositives">Anomalies called anomalous.</param>
/// <param name="FalsePositives">Normals called anomalous (false alarms).</param>
/// <param name="TrueNegatives">Normals called normal.</param>
/// <param name="FalseNegatives">Anomalies missed.</param>
public sealed record OperatingPoint(
    double Threshold,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Tpr,
    [property: JsonConverter(typeof(NaNAsNullJsonConverter))] double Fpr,
    double Precision,
    double F1,
    int TruePositives,
    int FalsePositives,
    int TrueNegatives,
    int FalseNegatives)
{
    /// <summary>Detection rate: the share of anomalies flagged (same value as <see cref="Tpr"/>).</summary>
    [JsonIgnore]
    public double DetectionRate => Tpr;

    /// <summary>False-alarm rate: the share of normals flagged (same value as <see cref="Fpr"/>).</summary>
    [JsonIgnore]
    public double FalseAlarmRate => Fpr;

    /// <summary>Specificity, TN / (TN + FP) = 1 − FPR; NaN without negatives.</summary>
    [JsonIgnore]
    public double Specificity => 1.0 - Fpr;

    /// <summary>Builds the point from counts of the samples at or above the threshold.</summary>
    internal static OperatingPoint FromCounts(double threshold, int truePositives, int falsePositives, int positives, int negatives)
    {
        int falseNegatives = positives - truePositives;
        int trueNegatives = negatives - falsePositives;
        long predicted = (long)truePositives + falsePositives;
        long f1Denominator = 2L * truePositives + falsePositives + falseNegatives;
        return new OperatingPoint(
            threshold,
            positives == 0 ? double.NaN : (double)truePositives / positives,
            negatives == 0 ? double.NaN : (double)falsePositives / negatives,
            predicted == 0 ? 0.0 : truePositives / (double)predicted,
            f1Denominator == 0 ? 0.0 : 2.0 * truePositives / f1Denominator,
            truePositives,
            falsePositives,
            trueNegatives,
            falseNegatives);
    }
}
