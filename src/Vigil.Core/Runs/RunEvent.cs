using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>
/// Something a training run reports, in the order it happened. Every event carries the run it belongs to, when it
/// happened and its place in the run's sequence, so a store can de-duplicate and a replay can restore the order even
/// when two events share a timestamp. Serialised with a <c>type</c> discriminator (see <see cref="RunEventJson"/>).
/// </summary>
/// <remarks>
/// The trainer builds events without these three fields; <see cref="RunEventPublisher"/> stamps them, so one place
/// owns the clock and the counter.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RunStarted), RunStarted.TypeName)]
[JsonDerivedType(typeof(BatchCompleted), BatchCompleted.TypeName)]
[JsonDerivedType(typeof(EpochCompleted), EpochCompleted.TypeName)]
[JsonDerivedType(typeof(EvaluationCompleted), EvaluationCompleted.TypeName)]
[JsonDerivedType(typeof(RunStatusChanged), RunStatusChanged.TypeName)]
[JsonDerivedType(typeof(CheckpointSaved), CheckpointSaved.TypeName)]
public abstract record RunEvent
{
    // Negative orders put the common fields right after "type", before each kind's own fields.

    /// <summary>The run this event belongs to (the run folder's name).</summary>
    [JsonPropertyOrder(-3)]
    public string RunId { get; init; } = "";

    /// <summary>When it happened, from the publisher's <see cref="TimeProvider"/>.</summary>
    [JsonPropertyOrder(-2)]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>1, 2, 3… within the run and process; a resumed run continues after the last logged number.</summary>
    [JsonPropertyOrder(-1)]
    public long Sequence { get; init; }

    /// <summary>The <c>type</c> value this event is written with, e.g. <c>epoch_completed</c>.</summary>
    [JsonIgnore]
    public abstract string Type { get; }
}
