namespace Vigil.Core.Runs;

/// <summary>What the person driving a run has asked for (<see cref="TrainingControl.State"/>).</summary>
public enum ControlState
{
    /// <summary>Keep training.</summary>
    Running,
    /// <summary>Wait between batches until resumed or stopped.</summary>
    Paused,
    /// <summary>Finish the current batch, save a checkpoint and end the run (terminal: a stop cannot be undone).</summary>
    Stopping,
}

/// <summary>A change of <see cref="TrainingControl.State"/>.</summary>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now.</param>
/// <param name="Reason">Why, when the caller said (e.g. "Ctrl-C", "stop requested from the dashboard").</param>
public sealed record ControlStateChange(ControlState Previous, ControlState Current, string? Reason);
