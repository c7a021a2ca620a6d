using Vigil.Core.Runs;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Live;

/// <summary>What <c>GET /api/status</c> answers and the <c>status</c> WebSocket message carries.</summary>
public sealed record LiveStatus
{
    /// <summary>The current (or last) run, or null when none was seen.</summary>
    public string? RunId { get; init; }

    /// <summary>One of <see cref="RunStates.All"/>.</summary>
    public string State { get; init; } = RunStates.Idle;

    /// <summary>
    /// What the run trains now when it said so: <c>supervised</c> (the classifier), <c>unsupervised</c> (the VAE),
    /// <c>hybrid</c>; null for an external trainer. <see cref="Epoch"/> and <see cref="Epochs"/> count within it.
    /// </summary>
    public string? Phase { get; init; }

    /// <summary>The epoch in progress (within <see cref="Phase"/>).</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs planned (for <see cref="Phase"/>).</summary>
    public int Epochs { get; init; }

    /// <summary>The batch within the epoch.</summary>
    public int Batch { get; init; }

    /// <summary>Batches per epoch.</summary>
    public int TotalBatches { get; init; }

    /// <summary>Global optimizer steps done.</summary>
    public long GlobalStep { get; init; }

    /// <summary>When the run (this process's part of it) started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Seconds since <see cref="StartedAt"/> (frozen when the run ended).</summary>
    public double? ElapsedSeconds { get; init; }

    /// <summary>Estimated seconds to the end, or null while unknown.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>Why the state last changed, when said.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// Whether the control routes (Pause/Resume/Stop) reach this run: the run trained in this process, or an external
    /// run whose trainer declared it accepts control (<c>vigil_monitor</c>, <c>vigil train --monitor URL</c>). The
    /// dashboard offers its buttons only then.
    /// </summary>
    public bool AcceptsControl { get; init; }

    /// <summary>When this status last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// Keeps <see cref="LiveStatus"/> current from run events (or from an external trainer's posts). Thread-safe.
/// A run trained in this process keeps the live status while it is active (running, paused, stopping): it is the one
/// the controls act on, so another trainer's posts then go to their own run only (stored and pushed with its id).
/// </summary>
public sealed class RunStatusTracker
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private LiveStatus _status = new();
    private DateTimeOffset? _endedAt;
    // Whether the live status comes from this process's run events (rather than from an external trainer's posts).
    private bool _inProcess;
    private readonly Func<string, bool> _acceptsControl;

    /// <summary>Creates an idle tracker.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="acceptsControl">Whether the control routes reach a run, for <see cref="LiveStatus.AcceptsControl"/>; none do by default.</param>
    public RunStatusTracker(TimeProvider? time = null, Func<string, bool>? acceptsControl = null)
    {
        _time = time ?? TimeProvider.System;
        _acceptsControl = acceptsControl ?? (_ => false);
    }

    /// <summary>The status now, with elapsed time computed to this moment (or to the end of a finished run).</summary>
    public LiveStatus Current
    {
        get
        {
            LiveStatus status;
            lock (_gate)
            {
                status = _status;
                if (status.StartedAt is { } started)
                    status = status with { ElapsedSeconds = Math.Max(0, ((_endedAt ?? _time.GetUtcNow()) - started).TotalSeconds) };
            }
            // Asked outside the lock: the answer comes from the controllers, which read this status under their own.
            return status.RunId is { } runId && _acceptsControl(runId) ? status with { AcceptsControl = true } : status;
        }
    }

    /// <summary>Updates from a run event; returns true when the state changed (worth a <c>status</c> message).</summary>
    public bool Apply(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        lock (_gate)
        {
            string before = _status.State;
            _inProcess = true;
            switch (runEvent)
            {
                case RunStarted started:
                    // The next phase of a multi-phase run (the classifier, then the VAE) goes on with the same run and
                    // its clock; a run started again after it ended (resumed in a new process) starts a new one.
                    bool nextPhase = _status.RunId == started.RunId && _status.StartedAt is not null && RunStates.IsActive(_status.State);
                    _endedAt = null;
                    _status = new LiveStatus
                    {
                        RunId = started.RunId, State = RunStates.Running, Phase = started.Phase.ToString().ToLowerInvariant(),
                        Epoch = Math.Max(0, started.StartEpoch - 1),
                        Epochs = started.Epochs, TotalBatches = started.BatchesPerEpoch,
                        StartedAt = nextPhase ? _status.StartedAt : started.Timestamp, UpdatedAt = started.Timestamp,
                    };
                    return true;
                case BatchCompleted batch:
                    _status = _status with
                    {
                        RunId = batch.RunId, Epoch = batch.Epoch, Batch = batch.Batch, TotalBatches = batch.BatchesInEpoch,
                        GlobalStep = batch.GlobalStep, EtaSeconds = batch.EtaSeconds ?? _status.EtaSeconds,
                        StartedAt = _status.StartedAt ?? batch.Timestamp,
                    };
                    break;
                case EpochCompleted epoch:
                    _status = _status with
                    {
                        RunId = epoch.RunId, Epoch = epoch.Epoch, Epochs = epoch.Epochs, GlobalStep = Math.Max(_status.GlobalStep, epoch.GlobalStep),
                        EtaSeconds = epoch.EtaSeconds ?? _status.EtaSeconds,
                    };
                    break;
                case RunStatusChanged changed:
                    SetStateLocked(changed.RunId, RunStates.From(changed.Status), changed.Message, changed.Timestamp);
                    if (changed.Epoch is { } at) _status = _status with { Epoch = at };
                    break;
            }
            return before != _status.State;
        }
    }

    /// <summary>
    /// Updates the position from an external trainer's <c>metrics_update</c>; false (nothing changed) when another run
    /// of this process is active and keeps the live status.
    /// </summary>
    public bool ApplyExternal(string runId, MetricsUpdate update, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (HeldByAnotherInProcessRun(runId)) return false;
            _inProcess = false;
            FollowLocked(runId, time);
            _status = _status with
            {
                State = RunStates.IsTerminal(_status.State) || _status.State == RunStates.Idle ? RunStates.Running : _status.State,
                Epoch = update.Epoch, Batch = update.Batch, TotalBatches = update.TotalBatches,
                EtaSeconds = update.System.EtaSeconds ?? _status.EtaSeconds, UpdatedAt = time,
            };
            return true;
        }
    }

    /// <summary>
    /// Sets the state an external trainer reports (or a run created through the API starts in); returns true when the
    /// live state changed. Ignored (false) while another run of this process is active.
    /// </summary>
    public bool SetExternalState(string runId, string state, string? message, DateTimeOffset time)
    {
        lock (_gate)
        {
            if (HeldByAnotherInProcessRun(runId)) return false;
            _inProcess = false;
            return SetStateLocked(runId, state, message, time);
        }
    }

    /// <summary>
    /// Takes what an external run's config declares about its plan (<c>epochs</c>, <c>phase</c>) into the live status,
    /// when that run is the one followed: its points carry the epoch reached, not how many there will be. Returns true
    /// when the status changed.
    /// </summary>
    public bool DescribeExternal(string runId, int? epochs, string? phase)
    {
        lock (_gate)
        {
            if (_status.RunId != runId || (epochs is null && phase is null)) return false;
            var before = _status;
            _status = _status with { Epochs = epochs ?? _status.Epochs, Phase = phase ?? _status.Phase };
            return before != _status;
        }
    }

    /// <summary>Whether an external run's posts may set the live status now (false while another run of this process is active).</summary>
    public bool CanFollow(string runId)
    {
        lock (_gate) return !HeldByAnotherInProcessRun(runId);
    }

    private bool HeldByAnotherInProcessRun(string runId) =>
        _inProcess && _status.RunId != runId && RunStates.IsActive(_status.State);

    // Another run becomes the live one: its status starts afresh from time.
    private void FollowLocked(string runId, DateTimeOffset time)
    {
        if (_status.RunId == runId) return;
        _status = new LiveStatus { RunId = runId, StartedAt = time };
        _endedAt = null;
    }

    private bool SetStateLocked(string runId, string state, string? message, DateTimeOffset time)
    {
        FollowLocked(runId, time);
        bool changed = _status.State != state;
        _status = _status with { State = state, Message = message, UpdatedAt = time };
        _endedAt = RunStates.IsTerminal(state) ? time : null;
        return changed;
    }
}
