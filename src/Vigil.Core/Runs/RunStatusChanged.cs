using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>The run entered another status (running, paused, stopping, or one of the ends).</summary>
public sealed record RunStatusChanged : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "run_status_changed";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>The new status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The status before, or null for the first one of a process.</summary>
    public RunStatus? Previous { get; init; }

    /// <summary>Why, for people: "stopped by Ctrl-C", "early stopping: no improvement in 5 epochs", the error's message…</summary>
    public string? Message { get; init; }

    /// <summary>The epoch in progress (or last finished) when the status changed.</summary>
    public int? Epoch { get; init; }
}
