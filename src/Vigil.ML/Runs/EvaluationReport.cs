using System.Text.Json.Serialization;
using Vigil.Core.Metrics;

namespace Vigil.ML.Runs;

/// <summary>
/// What <c>vigil evaluate</c> prints and metrics.json holds for a split. The top-level keys <c>auroc</c>,
/// <c>accuracy</c>, <c>f1</c>, <c>per_class</c>, <c>confusion_matrix</c>, <c>tpr_at_fpr</c> and <c>threshold</c>
/// are a contract; the rest may grow.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>Split evaluated.</summary>
    public required string Split { get; init; }
    /// <summary>Labeled images evaluated.</summary>
    public required int Images { get; init; }
    /// <summary>Normal images among them.</summary>
    public required int Normal { get; init; }
    /// <summary>Anomalous images among them.</summary>
    public required int Anomalous { get; init; }
    /// <summary>AUROC of the anomaly score (normal vs any anomaly); null when undefined.</summary>
    [JsonConverter(typeof(NaNAsNullJsonConverter))] public double Auroc { get; init; } = double.NaN;
    /// <summary>Average precision (AUPR) of the anomaly score.</summary>
    [JsonConverter(typeof(NaNAsNullJsonConverter))] public double Aupr { get; init; } = double.NaN;
    /// <summary>Top-1 accuracy of the classifier over known classes (null without classifier).</summary>
    public double? Accuracy { get; init; }
    /// <summary>F1 of anomaly detection at the threshold.</summary>
    [JsonConverter(typeof(NaNAsNullJsonConverter))] public double F1 { get; init; } = double.NaN;
    /// <summary>Per-class precision/recall/specificity/F1/support of the classifier.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; init; } = [];
    /// <summary>Classifier confusion matrix (rows true, columns predicted) over known classes.</summary>
    public int[][] ConfusionMatrix { get; init; } = [];
    /// <summary>TPR at FPR 1 %, 5 %, 10 %.</summary>
    public IReadOnlyList<TprAtFpr> TprAtFpr { get; init; } = [];
    /// <summary>Decision threshold used (score ≥ threshold → anomaly).</summary>
    public required double Threshold { get; init; }
    /// <summary>How the threshold was chosen.</summary>
    public required string ThresholdMethod { get; init; }
    /// <summary>Detection rate (sensitivity) at the threshold.</summary>
    public double? DetectionRate { get; init; }
    /// <summary>False-alarm rate at the threshold.</summary>
    public double? FalseAlarmRate { get; init; }
    /// <summary>AUROC on anomalies of classes seen in training (normal vs known).</summary>
    public double? AurocKnown { get; init; }
    /// <summary>AUROC on anomalies of classes never labeled in training (normal vs unknown).</summary>
    public double? AurocUnknown { get; init; }
    /// <summary>AUROC of each part alone: supervised, reconstruction, hybrid.</summary>
    public IReadOnlyDictionary<string, double?> ComponentAuroc { get; init; } = new Dictionary<string, double?>();
    /// <summary>
    /// AUROC of the VAE part by each score kind it can compute (same weights), keyed by the kind's command-line name;
    /// filled by <c>vigil evaluate</c>, empty elsewhere.
    /// </summary>
    public IReadOnlyDictionary<string, double?> ScoreKindAuroc { get; init; } = new Dictionary<string, double?>();
    /// <summary>The VAE score kind this report's scores used (command-line name), or null without a VAE.</summary>
    public string? VaeScore { get; init; }
    /// <summary>Macro/weighted one-vs-rest AUROC of the classifier.</summary>
    public OneVsRestAuc? ClassifierAuroc { get; init; }
    /// <summary>Mean VAE reconstruction error and KL over the split.</summary>
    public IReadOnlyDictionary<string, double> Reconstruction { get; init; } = new Dictionary<string, double>();
    /// <summary>Score distribution summaries for normal and anomalous images.</summary>
    public IReadOnlyDictionary<string, ScoreSummary> ScoreDistribution { get; init; } = new Dictionary<string, ScoreSummary>();
    /// <summary>Per anomaly class of the split: the share of its images flagged (score at the threshold or a critical rule).</summary>
    public IReadOnlyDictionary<string, double> PerClassDetection { get; init; } = new Dictionary<string, double>();
    /// <summary>Per critical class: required and reached sensitivity on this split.</summary>
    public IReadOnlyDictionary<string, CriticalClassReport> Critical { get; init; } = new Dictionary<string, CriticalClassReport>();
}

/// <summary>How a critical class fared on an evaluated split.</summary>
/// <param name="Required">The sensitivity it must reach.</param>
/// <param name="ProbabilityThreshold">Its classifier-probability threshold.</param>
/// <param name="Sensitivity">The share of its images flagged here; null when the split has none.</param>
/// <param name="Images">Its images in the split.</param>
/// <param name="Met">Whether <paramref name="Sensitivity"/> reached <paramref name="Required"/> (false when it has no images).</param>
public sealed record CriticalClassReport(double Required, double ProbabilityThreshold, double? Sensitivity, int Images, bool Met);
