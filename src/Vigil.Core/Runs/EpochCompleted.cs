using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>
/// An epoch is trained and validated. Carries everything the dashboard's epoch timeline, metric charts, per-class
/// table, confusion matrix and critical-class alerts need. Figures that a phase does not compute (accuracy for
/// the VAE, say) are null.
/// </summary>
public sealed record EpochCompleted : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "epoch_completed";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>The epoch, counted from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>Total epochs planned.</summary>
    public required int Epochs { get; init; }

    /// <summary>Optimizer steps done since the run began.</summary>
    public long GlobalStep { get; init; }

    /// <summary>Mean training loss over the epoch's batches.</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Named parts of <see cref="TrainLoss"/> (epoch means).</summary>
    public IReadOnlyDictionary<string, double> TrainLossParts { get; init; } = new Dictionary<string, double>();

    /// <summary>Mean validation loss, when there is a validation split.</summary>
    public double? ValLoss { get; init; }

    /// <summary>Named parts of <see cref="ValLoss"/>.</summary>
    public IReadOnlyDictionary<string, double> ValLossParts { get; init; } = new Dictionary<string, double>();

    /// <summary>Training accuracy over the epoch (running, with augmentation and dropout on).</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Validation accuracy.</summary>
    public double? Accuracy { get; init; }

    /// <summary>Validation AUROC, unweighted mean over classes (one-vs-rest).</summary>
    public double? AurocMacro { get; init; }

    /// <summary>
    /// Validation AUROC of this phase's own anomaly score (the classifier's 1 − P(normal), the VAE's reconstruction
    /// score), normal against anomalous images; null when validation lacks either.
    /// </summary>
    public double? AnomalyAuroc { get; init; }

    /// <summary>Validation AUROC, mean over classes weighted by support.</summary>
    public double? AurocWeighted { get; init; }

    /// <summary>Validation F1, unweighted mean over classes.</summary>
    public double? F1Macro { get; init; }

    /// <summary>Per-class validation figures in <see cref="RunStarted.Classes"/> order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; init; } = [];

    /// <summary>
    /// Validation confusion matrix: row = true class, column = predicted class, both in <see cref="RunStarted.Classes"/>
    /// order. Empty when the phase does not classify.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix { get; init; } = [];

    /// <summary>The learning rate at the end of the epoch.</summary>
    public required double LearningRate { get; init; }

    /// <summary>Training images per second over the epoch (training batches only).</summary>
    public double? ImagesPerSecond { get; init; }

    /// <summary>Wall-clock seconds the epoch took, validation included.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Wall-clock seconds since this process started the run.</summary>
    public double? RunElapsedSeconds { get; init; }

    /// <summary>Estimated seconds until the run ends, or null while unknown.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>The monitored metric's name (<see cref="RunStarted.MonitorMetric"/>).</summary>
    public string? MonitorMetric { get; init; }

    /// <summary>This epoch's value of the monitored metric.</summary>
    public double? MonitorValue { get; init; }

    /// <summary>Whether this epoch is the best so far on the monitored metric (then <c>best.ckpt</c> was written).</summary>
    public bool IsBest { get; init; }

    /// <summary>The best value of the monitored metric so far, this epoch included.</summary>
    public double? BestValue { get; init; }

    /// <summary>Epochs in a row without improvement, as early stopping counts them.</summary>
    public int EpochsWithoutImprovement { get; init; }
}
