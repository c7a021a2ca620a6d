using Vigil.Core.Runs;

namespace Vigil.Monitoring.Storage;

/// <summary>The run states of the monitoring API (<c>GET /api/status</c>'s <c>state</c>), as strings.</summary>
public static class RunStates
{
    /// <summary>No run is known or active.</summary>
    public const string Idle = "idle";
    /// <summary>Training.</summary>
    public const string Running = "running";
    /// <summary>Held between batches.</summary>
    public const string Paused = "paused";
    /// <summary>A stop was requested; the trainer is finishing its batch and saving.</summary>
    public const string Stopping = "stopping";
    /// <summary>Ended before its last epoch on request (resumable).</summary>
    public const string Stopped = "stopped";
    /// <summary>Ended normally.</summary>
    public const string Completed = "completed";
    /// <summary>Ended by an error.</summary>
    public const string Failed = "failed";

    /// <summary>Every state, in the order of the API documentation.</summary>
    public static IReadOnlyList<string> All { get; } = [Idle, Running, Paused, Stopping, Stopped, Completed, Failed];

    /// <summary>The API state for a trainer's <see cref="RunStatus"/>.</summary>
    public static string From(RunStatus status) => status switch
    {
        RunStatus.Running => Running,
        RunStatus.Paused => Paused,
        RunStatus.Stopping => Stopping,
        RunStatus.Completed => Completed,
        RunStatus.Failed => Failed,
        RunStatus.Interrupted => Stopped,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    /// <summary>Whether nothing follows this state (the run is over).</summary>
    public static bool IsTerminal(string state) => state is Stopped or Completed or Failed;

    /// <summary>Whether a run in this state is under way (running, paused or stopping): it can still be controlled.</summary>
    public static bool IsActive(string state) => state is Running or Paused or Stopping;

    /// <summary>Whether <paramref name="state"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string state) => All.Contains(state);
}
