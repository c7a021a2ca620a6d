using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>
/// One optimizer step is done. Frequent (every batch): the monitoring hub throttles and downsamples these, the
/// JSON-lines log keeps them all.
/// </summary>
public sealed record BatchCompleted : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "batch_completed";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>The epoch, counted from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>The batch within the epoch, counted from 1.</summary>
    public required int Batch { get; init; }

    /// <summary>Batches in this epoch (the WebSocket message's <c>total_batches</c>).</summary>
    public required int BatchesInEpoch { get; init; }

    /// <summary>Optimizer steps done since the run began, this one included (continues across resumption).</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The batch's total loss (what was back-propagated). May be NaN or infinite when training diverges.</summary>
    public required double Loss { get; init; }

    /// <summary>Named parts of <see cref="Loss"/>, e.g. <c>recon</c> and <c>kl</c> for the VAE; empty when it has none.</summary>
    public IReadOnlyDictionary<string, double> LossParts { get; init; } = new Dictionary<string, double>();

    /// <summary>Fraction of the batch classified correctly, for supervised phases.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The learning rate this step used.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Images in this batch.</summary>
    public int Images { get; init; }

    /// <summary>Smoothed training throughput (exponential moving average), or null before the first measurement.</summary>
    public double? ImagesPerSecond { get; init; }

    /// <summary>The gradient norm before clipping, when clipping is on.</summary>
    public double? GradientNorm { get; init; }

    /// <summary>Estimated seconds until the run ends, or null while unknown.</summary>
    public double? EtaSeconds { get; init; }
}
