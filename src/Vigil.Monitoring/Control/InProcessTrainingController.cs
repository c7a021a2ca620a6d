using Vigil.Core.Runs;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Control;

/// <summary>
/// Controls a run trained in this process through its <see cref="TrainingControl"/> (which the trainer polls between
/// batches). The run's reported status (<see cref="RunStatusTracker"/>) decides what is allowed: pausing a run that
/// has ended is refused even though its control object would still say "running". Starting is delegated to a
/// <see cref="TrainingLauncher"/>, which attaches the new run's control.
/// </summary>
public sealed class InProcessTrainingController : ITrainingController
{
    private readonly object _gate = new();
    private readonly RunStatusTracker _status;
    private readonly TrainingLauncher? _launcher;
    private TrainingControl? _control;
    private string? _runId;
    private bool _starting;

    /// <summary>Creates a controller.</summary>
    /// <param name="status">The live status (fed by the run's events).</param>
    /// <param name="launcher">Starts runs for <c>POST /api/training/start</c>; null answers that starting is not available here.</param>
    public InProcessTrainingController(RunStatusTracker status, TrainingLauncher? launcher = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        _status = status;
        _launcher = launcher;
    }

    /// <summary>Whether a launcher was given.</summary>
    public bool CanStart => _launcher is not null;

    /// <summary>Whether <paramref name="runId"/> is the run whose control is attached.</summary>
    public bool Controls(string runId)
    {
        lock (_gate) return _control is not null && _runId == runId;
    }

    /// <summary>Attaches the control of the run now training in this process (replacing a finished one).</summary>
    public void Attach(string runId, TrainingControl control)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(control);
        lock (_gate)
        {
            _runId = runId;
            _control = control;
        }
    }

    /// <inheritdoc />
    public string State
    {
        get
        {
            lock (_gate) return StateLocked();
        }
    }

    /// <inheritdoc />
    public async Task<ControlResult> StartAsync(TrainingStartRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            string state = StateLocked();
            if (_launcher is null) return new ControlResult(false, state, "this server cannot launch runs (no launcher configured)", _runId);
            if (_starting || RunStates.IsActive(state))
                return new ControlResult(false, state, $"a run is already {(_starting ? "starting" : state)}", _runId);
            _starting = true;
        }
        try
        {
            string runId = await _launcher(request, cancellationToken).ConfigureAwait(false);
            return new ControlResult(true, RunStates.Running, "started", runId);
        }
        finally
        {
            lock (_gate) _starting = false;
        }
    }

    /// <inheritdoc />
    public ControlResult Pause(string? reason = null) => Move(c => c.Pause(reason), "pause", RunStates.Paused, RunStates.Running);

    /// <inheritdoc />
    public ControlResult Resume(string? reason = null) => Move(c => c.Resume(reason), "resume", RunStates.Running, RunStates.Paused);

    /// <inheritdoc />
    public ControlResult Stop(string? reason = null) => Move(c => c.Stop(reason), "stop", RunStates.Stopping, RunStates.Running, RunStates.Paused);

    private ControlResult Move(Func<TrainingControl, bool> move, string verb, string target, params string[] allowedFrom)
    {
        lock (_gate)
        {
            string state = StateLocked();
            if (_control is null || !allowedFrom.Contains(state) || !move(_control))
                return new ControlResult(false, state, $"cannot {verb} a run that is {state}", _runId);
            return new ControlResult(true, target, $"{verb} requested", _runId);
        }
    }

    private string StateLocked()
    {
        if (_control is null) return RunStates.Idle;
        LiveStatus live = _status.Current;
        // The trainer's own report wins once the run has ended; before that, the request just made is what counts
        // (the trainer confirms "paused" only when it reaches the batch boundary).
        if (live.RunId == _runId && RunStates.IsTerminal(live.State)) return live.State;
        return _control.State switch
        {
            ControlState.Paused => RunStates.Paused,
            ControlState.Stopping => RunStates.Stopping,
            _ => RunStates.Running,
        };
    }
}
