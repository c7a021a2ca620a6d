namespace Vigil.Core.Runs;

/// <summary>
/// One class's figures in a one-vs-rest view (the class is "positive", every other class "negative"). A figure is
/// null where it is undefined, e.g. sensitivity of a class with no examples in the split: an alert must not read a
/// missing value as zero.
/// </summary>
public sealed record ClassMetrics
{
    /// <summary>The class name, as in <see cref="RunStarted.Classes"/>.</summary>
    public required string Class { get; init; }

    /// <summary>Recall, true-positive rate: TP / (TP + FN). Compared against a critical class's threshold.</summary>
    public double? Sensitivity { get; init; }

    /// <summary>True-negative rate: TN / (TN + FP).</summary>
    public double? Specificity { get; init; }

    /// <summary>Positive predictive value: TP / (TP + FP).</summary>
    public double? Precision { get; init; }

    /// <summary>Harmonic mean of precision and sensitivity.</summary>
    public double? F1 { get; init; }

    /// <summary>One-vs-rest area under the ROC curve, when scores were available.</summary>
    public double? Auroc { get; init; }

    /// <summary>How many examples of this class the split holds (TP + FN).</summary>
    public long Support { get; init; }
}
