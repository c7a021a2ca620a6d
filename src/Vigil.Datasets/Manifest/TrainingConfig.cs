namespace Vigil.Datasets.Manifest;

/// <summary>
/// The content of a dataset's <c>training_config.json</c>: the training strategy suggested for the dataset
/// (snake_case keys, see docs/dataset-format.md). <c>vigil train</c> reads it; its options override it.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>"supervised", "unsupervised" or "hybrid".</summary>
    public required string Strategy { get; init; }
    /// <summary>Which model leads a hybrid: "supervised", "unsupervised" or "balanced".</summary>
    public required string LedBy { get; init; }
    /// <summary>Weights of the two scores in the ensemble.</summary>
    public required EnsembleWeights EnsembleWeights { get; init; }
    /// <summary>Training phases in the suggested order ("supervised", "unsupervised", "hybrid").</summary>
    public required IReadOnlyList<string> PhaseOrder { get; init; }
    /// <summary>Fraction of images with a label.</summary>
    public required double LabeledFraction { get; init; }
    /// <summary>Class names (sorted).</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>The normal class, or null.</summary>
    public string? NormalClass { get; init; }
    /// <summary>Suggested square input size in pixels.</summary>
    public required int ImageSize { get; init; }
    /// <summary>Input channels: 1 when every image is grey, else 3.</summary>
    public required int Channels { get; init; }
    /// <summary>Suggested batch size.</summary>
    public required int BatchSize { get; init; }
    /// <summary>Suggested epochs for the leading phase.</summary>
    public required int Epochs { get; init; }
    /// <summary>Suggested epochs for the supervised classifier.</summary>
    public required int EpochsSupervised { get; init; }
    /// <summary>Suggested epochs for the VAE.</summary>
    public required int EpochsUnsupervised { get; init; }
    /// <summary>Why this strategy, in one or two sentences.</summary>
    public required string Reason { get; init; }
}

/// <summary>Ensemble weights; they sum to 1.</summary>
/// <param name="Supervised">Weight of the classifier's anomaly probability.</param>
/// <param name="Unsupervised">Weight of the VAE's reconstruction score.</param>
public sealed record EnsembleWeights(double Supervised, double Unsupervised);
