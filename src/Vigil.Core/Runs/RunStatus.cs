namespace Vigil.Core.Runs;

/// <summary>Where a run stands, as told by <see cref="RunStatusChanged"/>.</summary>
public enum RunStatus
{
    /// <summary>Training batches.</summary>
    Running,
    /// <summary>Waiting between two batches until resumed or stopped.</summary>
    Paused,
    /// <summary>A stop was requested: the current batch finishes and a checkpoint is written.</summary>
    Stopping,
    /// <summary>Ended normally: all epochs done, or early stopping ended it.</summary>
    Completed,
    /// <summary>Ended by an error; the message says which.</summary>
    Failed,
    /// <summary>Ended before its last epoch on request (Stop, Ctrl-C); the last checkpoint allows <c>--resume</c>.</summary>
    Interrupted,
}

/// <summary>Helpers on <see cref="RunStatus"/>.</summary>
public static class RunStatusExtensions
{
    /// <summary>Whether the run is over in this status (no event follows it in this process).</summary>
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Interrupted;
}
