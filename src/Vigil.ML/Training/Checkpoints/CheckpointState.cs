using System.Text.Json;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// Everything a checkpoint holds besides tensors: plain numbers and JSON, written to its <c>header.json</c>. The
/// trainer fills it at the end of an epoch and gets it back from <see cref="Checkpoint.Restore"/>.
/// </summary>
public sealed record CheckpointState
{
    /// <summary>What must match to resume.</summary>
    public required CheckpointFingerprint Fingerprint { get; init; }

    /// <summary>Epochs completed (resuming starts at <c>Epoch + 1</c>).</summary>
    public required int Epoch { get; init; }

    /// <summary>
    /// Batches of the next epoch (<c>Epoch + 1</c>) already trained when the checkpoint was taken: 0 at an epoch end,
    /// k after a stop in the middle of an epoch. Resuming skips those k batches of that epoch's (replayed) data order.
    /// </summary>
    public int BatchesDoneInEpoch { get; init; }

    /// <summary>Optimizer steps completed.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The run's seed, from which per-epoch seeds (data order, CUDA) are derived.</summary>
    public long? Seed { get; init; }

    /// <summary>The training configuration as the run was given it (for people, and for comparing on resume).</summary>
    public JsonElement? Config { get; init; }

    /// <summary>The best value of the monitored metric so far.</summary>
    public BestMetric? Best { get; init; }

    /// <summary>The learning-rate schedule's state.</summary>
    public LrScheduleState? Schedule { get; init; }

    /// <summary>The early-stopping rule's state.</summary>
    public EarlyStoppingState? EarlyStopping { get; init; }

    /// <summary>
    /// The data pipeline's random state as plain numbers (e.g. <c>seed</c>, <c>epoch</c>, <c>position</c>). The data
    /// order of epoch <c>e</c> should be a function of these and <c>e</c> alone, so it replays exactly.
    /// </summary>
    public IReadOnlyDictionary<string, long> DataState { get; init; } = new Dictionary<string, long>();

    /// <summary>Anything else a trainer needs back (named JSON values), so adding state needs no format change.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();
}

/// <summary>The best value of a monitored metric and when it happened.</summary>
/// <param name="Name">The metric, e.g. <c>val_auroc_macro</c>.</param>
/// <param name="Value">Its best value.</param>
/// <param name="Epoch">The epoch it was reached in.</param>
public sealed record BestMetric(string Name, double Value, int Epoch);
