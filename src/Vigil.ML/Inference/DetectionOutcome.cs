namespace Vigil.ML.Inference;

/// <summary>The VAE's per-pixel squared reconstruction error of one image, row-major.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Values">Height × Width values.</param>
public sealed record ErrorMap(int Height, int Width, float[] Values);

/// <summary>
/// The detector's answer for one image: the verdict and its scores, or why the image could not be read
/// (<see cref="Error"/>; then every score is null).
/// </summary>
public sealed record DetectionOutcome
{
    /// <summary>The input's path, or the name given with bytes or pixels.</summary>
    public required string Path { get; init; }

    /// <summary>The image inside the input for inputs holding several ("frame-0002", "axial-041"…); null for a single image.</summary>
    public string? Image { get; init; }

    /// <summary>Whether the anomaly score reached the threshold or a critical-class rule flagged the image.</summary>
    public bool? IsAnomaly { get; init; }

    /// <summary>The classifier's most probable class index; null without a classifier.</summary>
    public int? PredictedClass { get; init; }

    /// <summary>Its name; null without a classifier.</summary>
    public string? PredictedClassName { get; init; }

    /// <summary>The classifier's probability of that class; null without a classifier.</summary>
    public double? Confidence { get; init; }

    /// <summary>The combined anomaly score in [0, 1].</summary>
    public double? AnomalyScore { get; init; }

    /// <summary>The classifier's part: 1 − P(normal); null without a classifier or a normal class.</summary>
    public double? SupervisedScore { get; init; }

    /// <summary>The VAE's part, calibrated to [0, 1]; null without a VAE.</summary>
    public double? ReconstructionScore { get; init; }

    /// <summary>The critical class whose rule flagged the image, or null.</summary>
    public string? CriticalClass { get; init; }

    /// <summary>The classifier's probability of each class, in the package's class order; null without a classifier.</summary>
    public IReadOnlyList<float>? ClassProbabilities { get; init; }

    /// <summary>The error map, when asked for (<see cref="DetectOptions.ErrorMaps"/>) and the model has a VAE.</summary>
    public ErrorMap? ErrorMap { get; init; }

    /// <summary>The overlay PNG written for the image (<see cref="DetectOptions.OverlayFolder"/>), or null.</summary>
    public string? OverlayPath { get; init; }

    /// <summary>Why the input could not be read; null when it was scored.</summary>
    public string? Error { get; init; }

    /// <summary>Through a multi-organ repository: the route the image was sent to (null when unroutable, or without one).</summary>
    public string? Route { get; init; }

    /// <summary>Through a repository: the router's calibrated confidence in the image's (nearest) route.</summary>
    public double? RouteConfidence { get; init; }

    /// <summary>Through a repository: which model judged the image, <c>route</c> (its route's own) or <c>fallback</c>; null when none did.</summary>
    public string? RouteModel { get; init; }

    /// <summary>Through a repository: why the router sent the image nowhere (then no model scored it), or null.</summary>
    public string? Unroutable { get; init; }
}
