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

    /// <summary>The epoch in progress.</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs planned.</summary>
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

    /// <summary>When this status last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Keeps <see cref="LiveStatus"/> current from run events (or from an external trainer's posts). Thread-safe.</summary>
public sealed class RunStatusTracker
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private LiveStatus _status = new();
    private DateTimeOffset? _endedAt;

    /// <summary>Creates an idle tracker.</summary>
    public RunStatusTracker(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The status now, with elapsed time computed to this moment (or to the end of a finished run).</summary>
    public LiveStatus Current
    {
        get
        {
            lock (_gate)
            {
                if (_status.StartedAt is not { } started) return _status;
                DateTimeOffset until = _endedAt ?? _time.GetUtcNow();
                return _status with { ElapsedSeconds = Math.Max(0, (until - started).TotalSeconds) };
            }
        }
    }

    /// <summary>Updates from a run event; returns true when the state changed (worth a <c>status</c> message).</summary>
    public bool Apply(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        lock (_gate)
        {
            string before = _status.State;
            switch (runEvent)
            {
                case RunStarted started:
                    _endedAt = null;
                    _status = new LiveStatus
                    {
                        RunId = started.RunId, State = RunStates.Running, Epoch = Math.Max(0, started.StartEpoch - 1),
                        Epochs = started.Epochs, TotalBatches = started.BatchesPerEpoch, StartedAt = started.Timestamp,
                        UpdatedAt = started.Timestamp,
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
                    SetState(changed.RunId, RunStates.From(changed.Status), changed.Message, changed.Timestamp);
                    if (changed.Epoch is { } at) _status = _status with { Epoch = at };
                    break;
            }
            return before != _status.State;
        }
    }

    /// <summary>Updates the position from an external trainer's <c>metrics_update</c>.</summary>
    public void ApplyExternal(string runId, MetricsUpdate update, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (_status.RunId != runId) { _status = new LiveStatus { RunId = runId, StartedAt = time }; _endedAt = null; }
            _status = _status with
            {
                State = RunStates.IsTerminal(_status.State) || _status.State == RunStates.Idle ? RunStates.Running : _status.State,
                Epoch = update.Epoch, Batch = update.Batch, TotalBatches = update.TotalBatches,
                EtaSeconds = update.System.EtaSeconds ?? _status.EtaSeconds, UpdatedAt = time,
            };
        }
    }

    /// <summary>Sets the state (from a status event or an external trainer); returns true when it changed.</summary>
    public bool SetState(string runId, string state, string? message, DateTimeOffset time)
    {
        lock (_gate)
        {
            if (_status.RunId != runId) { _status = new LiveStatus { RunId = runId, StartedAt = time }; _endedAt = null; }
            bool changed = _status.State != state;
            _status = _status with { State = state, Message = message, UpdatedAt = time };
            _endedAt = RunStates.IsTerminal(state) ? time : null;
            return changed;
        }
    }
}
