namespace Vigil.Core.Runs;

/// <summary>
/// The trainer's one way to emit events: stamps each with the run id, the time and the next sequence number, then
/// hands it to the observer (isolated by a <see cref="SafeObserver"/>). Thread-safe: a status change from a control
/// thread and a batch from the training thread get distinct, ordered numbers and arrive in that order.
/// </summary>
public sealed class RunEventPublisher
{
    private readonly object _gate = new();
    private readonly IRunObserver _observer;
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>Creates a publisher for one run.</summary>
    /// <param name="runId">The run's id (its folder name).</param>
    /// <param name="observer">Where events go; wrapped in a <see cref="SafeObserver"/> unless it is one.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="lastSequence">The last sequence number already logged (see <see cref="RunEventLog"/>), so a
    /// resumed run continues the numbering instead of repeating it.</param>
    public RunEventPublisher(string runId, IRunObserver observer, TimeProvider? time = null, long lastSequence = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfNegative(lastSequence);
        RunId = runId;
        _observer = observer as SafeObserver ?? new SafeObserver(observer);
        _time = time ?? TimeProvider.System;
        _sequence = lastSequence;
    }

    /// <summary>The run id stamped on every event.</summary>
    public string RunId { get; }

    /// <summary>The sequence number of the last event published (0 before the first).</summary>
    public long LastSequence
    {
        get { lock (_gate) return _sequence; }
    }

    /// <summary>Stamps <paramref name="runEvent"/> and delivers it; returns the stamped copy.</summary>
    public T Publish<T>(T runEvent) where T : RunEvent
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        lock (_gate)
        {
            // "with" on the base type clones the runtime type, so every event kind gets the same stamping.
            RunEvent stamped = runEvent with { RunId = RunId, Timestamp = _time.GetUtcNow(), Sequence = ++_sequence };
            _observer.OnEvent(stamped);
            return (T)stamped;
        }
    }
}
