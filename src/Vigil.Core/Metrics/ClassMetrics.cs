using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// One class's row of a classification report (that class = positive, all others = negative).
/// Ratios with a zero denominator are 0, as scikit-learn's <c>zero_division=0</c>.
/// </summary>
/// <param name="Index">Class index (column of the probability matrix, row of the confusion matrix).</param>
/// <param name="Name">Class name, or the index as text when no names were given.</param>
/// <param name="Precision">TP / (TP + FP): of the samples predicted as this class, the share that are.</param>
/// <param name="Recall">TP / (TP + FN), also called sensitivity: of this class's samples, the share found.</param>
/// <param name="Specificity">TN / (TN + FP): of the other classes' samples, the share not predicted as this class.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.</param>
/// <param name="Support">Samples whose true class is this one.</param>
public sealed record ClassMetrics(
    int Index, string Name, double Precision, double Recall, double Specificity, double F1, int Support)
{
    /// <summary>Sensitivity, the clinical name of <see cref="Recall"/> (same value; not serialized twice).</summary>
    [JsonIgnore]
    public double Sensitivity => Recall;
}
