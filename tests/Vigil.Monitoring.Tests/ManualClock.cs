namespace Vigil.Monitoring.Tests;

/// <summary>
/// A <see cref="TimeProvider"/> whose time stands still until the test calls <see cref="Advance"/>, which fires the
/// timers that came due (<c>Task.Delay</c> and <c>PeriodicTimer</c> on this provider) in due order. Rate limits and send
/// intervals are then checked in exact steps of time instead of by sleeping on a shared machine. Also compiled into
/// Vigil.Server.Tests.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _timerWaits = [];
    private DateTimeOffset _now;

    /// <summary>A clock at <paramref name="start"/> (a fixed date by default).</summary>
    public ManualClock(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Timers waiting to fire (a delay or a periodic timer someone is counting on).</summary>
    public int ActiveTimers
    {
        get { lock (_gate) return _timers.Count; }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate) return _now.UtcTicks;
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are active: the code under test has reached the point
    /// where it waits on this clock, so what happens next depends only on <see cref="Advance"/>.
    /// </summary>
    public Task WhenTimersAsync(int count = 1)
    {
        lock (_gate)
        {
            if (_timers.Count >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaits.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Moves time forward by <paramref name="by"/>, firing each timer that comes due at its own due time.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate) target = _now + by;
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (due is null)
                {
                    _now = target;
                    return;
                }
                if (due.Due > _now) _now = due.Due;
                // A one-shot timer leaves before its callback runs; a periodic one is due again a period later.
                if (due.Period > TimeSpan.Zero) due.Due += due.Period;
                else _timers.Remove(due);
            }
            // Outside the lock: the callback resumes the code under test, which reads the clock and makes new timers.
            due.Fire();
        }
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        List<TaskCompletionSource> reached = [];
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan) return;
            timer.Due = _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            _timers.Add(timer);
            for (int i = _timerWaits.Count - 1; i >= 0; i--)
            {
                if (_timers.Count < _timerWaits[i].Count) continue;
                reached.Add(_timerWaits[i].Reached);
                _timerWaits.RemoveAt(i);
            }
        }
        foreach (TaskCompletionSource waiter in reached) waiter.TrySetResult();
    }

    private void Cancel(ManualTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
