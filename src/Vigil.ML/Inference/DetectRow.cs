namespace Vigil.ML.Inference;

/// <summary>One row of <c>vigil detect</c>'s output and of the service's <c>POST /api/detect</c> (docs/cli.md: the fields people script against, in this order).</summary>
public sealed record DetectRow(string Path, string? Image, bool? IsAnomaly, int? PredictedClass, string? PredictedClassName, double? Confidence,
    double? AnomalyScore, double? SupervisedScore, double? ReconstructionScore, string? Heatmap, string? Error, string? CriticalClass = null)
{
    /// <summary>The row of one detector outcome.</summary>
    public static DetectRow From(DetectionOutcome o) => new(o.Path, o.Image, o.IsAnomaly, o.PredictedClass, o.PredictedClassName, o.Confidence,
        o.AnomalyScore, o.SupervisedScore, o.ReconstructionScore, o.OverlayPath, o.Error, o.CriticalClass);
}
