using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Control;

/// <summary>
/// What the control routes drive on a server that records both kinds of runs: the run trained in this process while it
/// is active, otherwise the live external run when its trainer accepts control (<see cref="ExternalRunCommands"/>).
/// For an external run, pause/resume/stop become its pending command; the live state changes only when the trainer
/// acknowledges it (so the dashboard shows "Pausing…" until then), while <see cref="State"/> already answers the
/// requested state, as the in-process controller does.
/// </summary>
public sealed class LiveRunController : ITrainingController
{
    private readonly object _gate = new();
    private readonly ITrainingController _inProcess;
    private readonly RunStatusTracker _status;
    private readonly ExternalRunCommands _commands;

    /// <summary>Creates the controller.</summary>
    /// <param name="inProcess">The controller of runs trained in this process (also the one that starts runs).</param>
    /// <param name="status">The live status (which run is live, and its state).</param>
    /// <param name="commands">The external runs' commands.</param>
    public LiveRunController(ITrainingController inProcess, RunStatusTracker status, ExternalRunCommands commands)
    {
        ArgumentNullException.ThrowIfNull(inProcess);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(commands);
        _inProcess = inProcess;
        _status = status;
        _commands = commands;
    }

    /// <inheritdoc />
    public bool CanStart => _inProcess.CanStart;

    /// <summary>The run trained in this process, or an external run whose trainer declared it accepts control.</summary>
    public bool Controls(string runId) => _commands.Accepts(runId) || _inProcess.Controls(runId);

    /// <inheritdoc />
    public string State => External() is { } live ? Requested(live) : _inProcess.State;

    /// <inheritdoc />
    public Task<ControlResult> StartAsync(TrainingStartRequest request, CancellationToken cancellationToken = default) =>
        _inProcess.StartAsync(request, cancellationToken);

    /// <inheritdoc />
    public ControlResult Pause(string? reason = null) => External() is { } live
        ? Move(live, "pause", RunStates.Running)
        : _inProcess.Pause(reason);

    /// <inheritdoc />
    public ControlResult Resume(string? reason = null) => External() is { } live
        ? Move(live, "resume", RunStates.Paused)
        : _inProcess.Resume(reason);

    /// <inheritdoc />
    public ControlResult Stop(string? reason = null) => External() is { } live
        ? Move(live, "stop", RunStates.Running, RunStates.Paused)
        : _inProcess.Stop(reason);

    // The live external run the controls act on, or null (the in-process controller decides then).
    private LiveStatus? External()
    {
        if (RunStates.IsActive(_inProcess.State)) return null;
        LiveStatus live = _status.Current;
        return live.RunId is not null && RunStates.IsActive(live.State) && _commands.Accepts(live.RunId) ? live : null;
    }

    // The state once the pending command is carried out (the requested one), else the reported one.
    private string Requested(LiveStatus live) => _commands.Pending(live.RunId!)?.StateWhenDone ?? live.State;

    private ControlResult Move(LiveStatus live, string action, params string[] allowedFrom)
    {
        lock (_gate)
        {
            string state = Requested(live);
            if (!allowedFrom.Contains(state)) return new ControlResult(false, state, $"cannot {action} a run that is {state}", live.RunId);
            RunCommand command = _commands.Request(live.RunId!, action);
            return new ControlResult(true, command.StateWhenDone, $"{action} requested; the trainer acts at its next batch boundary", live.RunId);
        }
    }
}
