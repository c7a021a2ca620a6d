namespace Vigil.ML.Inference;

/// <summary>How one <see cref="Detector.Detect(IReadOnlyList{DetectorInput}, DetectOptions?, CancellationToken)"/> call runs.</summary>
public sealed record DetectOptions
{
    /// <summary>Images scored together by default: large enough to keep the models busy, small enough for any memory.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>The anomaly threshold in [0, 1] for this call; null uses the package's (chosen at training).</summary>
    public double? Threshold { get; init; }

    /// <summary>Whether each outcome carries the VAE's per-pixel error map (models with a VAE only).</summary>
    public bool ErrorMaps { get; init; }

    /// <summary>A folder to write each image's error-map overlay into as a PNG (models with a VAE only); null writes none.</summary>
    public string? OverlayFolder { get; init; }

    /// <summary>Images scored together.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>The defaults: the package's threshold, no error maps or overlays.</summary>
    public static DetectOptions Default { get; } = new();

    /// <summary>Throws for values no call can use.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is outside [0, 1] or the batch size below 1.</exception>
    internal void Validate()
    {
        if (Threshold is { } t && !(t is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Threshold), t, "the threshold must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
    }
}
