using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>A checkpoint was written (atomically: the file at <see cref="Path"/> is complete).</summary>
public sealed record CheckpointSaved : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "checkpoint_saved";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>The checkpoint file, e.g. <c>&lt;run&gt;/checkpoints/last.ckpt</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The last epoch the checkpoint includes (resuming starts at the next one).</summary>
    public required int Epoch { get; init; }

    /// <summary>Optimizer steps the checkpoint includes.</summary>
    public long GlobalStep { get; init; }

    /// <summary>Whether it is the best checkpoint so far (<c>best.ckpt</c>) rather than the latest (<c>last.ckpt</c>).</summary>
    public bool IsBest { get; init; }

    /// <summary>The file's size in bytes.</summary>
    public long Bytes { get; init; }
}
