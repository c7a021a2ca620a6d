namespace Vigil.ML.Models.Hybrid;

/// <summary>The verdict on one image.</summary>
/// <param name="IsAnomaly">Whether <paramref name="AnomalyScore"/> reached the threshold (score ≥ threshold), or a critical-class rule flagged the image.</param>
/// <param name="PredictedClass">The classifier's most probable class index; null without a classifier.</param>
/// <param name="PredictedClassName">Its name; null without a classifier.</param>
/// <param name="Confidence">The classifier's probability of that class; null without a classifier.</param>
/// <param name="AnomalyScore">The combined score in [0, 1] (see <see cref="HybridScorer"/>).</param>
/// <param name="SupervisedScore">1 − P(normal); null without a classifier.</param>
/// <param name="ReconstructionScore">The calibrated VAE score in [0, 1]; null without a VAE.</param>
/// <param name="ReconstructionError">The raw VAE score before calibration; null without a VAE.</param>
/// <param name="ErrorMap">Per-pixel squared reconstruction error, row-major H×W; null without a VAE.</param>
/// <param name="ErrorMapHeight">Rows of <paramref name="ErrorMap"/> (0 without one).</param>
/// <param name="ErrorMapWidth">Columns of <paramref name="ErrorMap"/> (0 without one).</param>
/// <param name="CriticalClass">The critical class whose rule flagged the image (see <see cref="CriticalClassRule"/>), or null.</param>
/// <param name="ClassProbabilities">The classifier's probability of each class, in <see cref="HybridDetector.ClassNames"/> order; null without a classifier.</param>
public sealed record DetectionResult(
    bool IsAnomaly,
    int? PredictedClass,
    string? PredictedClassName,
    double? Confidence,
    double AnomalyScore,
    double? SupervisedScore,
    double? ReconstructionScore,
    double? ReconstructionError,
    float[]? ErrorMap,
    int ErrorMapHeight,
    int ErrorMapWidth,
    string? CriticalClass = null,
    float[]? ClassProbabilities = null);
