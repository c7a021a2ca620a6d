namespace Vigil.Core.Runs;

/// <summary>
/// Pause / resume / stop for one run, shared between whoever drives it (the server's REST handlers, Ctrl-C in the
/// CLI) and the trainer, which polls it between batches. Only the transitions in <see cref="IsValidTransition"/>
/// happen; a request that is not valid now (resume while running, pause after stop) is ignored and returns false,
/// because buttons get double-clicked. Thread-safe.
/// </summary>
/// <remarks>
/// The trainer's loop, per batch: <c>if (control.State == Paused) { publish Paused; state = control.WaitIfPaused(ct);
/// publish Running or Stopping }</c>, then <c>if (control.IsStopRequested) { save checkpoint; publish Interrupted;
/// end }</c>. Publishing <see cref="RunStatusChanged"/> is the trainer's job: only it knows when the pause really began.
/// </remarks>
public sealed class TrainingControl
{
    private readonly object _gate = new();
    // Set while not paused: waiters block on it without spinning, and Stop sets it to wake them.
    private readonly ManualResetEventSlim _notPaused = new(initialState: true);
    private readonly CancellationTokenSource _stop = new();
    private ControlState _state = ControlState.Running;
    private string? _stopReason;

    /// <summary>Raised after each accepted transition, on the thread that asked for it (keep handlers short).</summary>
    public event EventHandler<ControlStateChange>? Changed;

    /// <summary>The current state.</summary>
    public ControlState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>Whether <see cref="Stop"/> was called.</summary>
    public bool IsStopRequested => State == ControlState.Stopping;

    /// <summary>The reason given to <see cref="Stop"/>, if any.</summary>
    public string? StopReason
    {
        get { lock (_gate) return _stopReason; }
    }

    /// <summary>
    /// Cancelled when a stop is requested. For waits that should end early on stop (a data-loader queue, a sleep);
    /// the batch loop itself checks <see cref="IsStopRequested"/> so the current batch still completes.
    /// </summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is a transition this state machine makes.</summary>
    public static bool IsValidTransition(ControlState from, ControlState to) => (from, to) switch
    {
        (ControlState.Running, ControlState.Paused) => true,
        (ControlState.Paused, ControlState.Running) => true,
        (ControlState.Running, ControlState.Stopping) => true,
        (ControlState.Paused, ControlState.Stopping) => true,
        _ => false,
    };

    /// <summary>Asks the trainer to pause before its next batch. Returns false (and changes nothing) unless running.</summary>
    public bool Pause(string? reason = null) => Move(ControlState.Paused, reason);

    /// <summary>Lets a paused trainer continue. Returns false (and changes nothing) unless paused.</summary>
    public bool Resume(string? reason = null) => Move(ControlState.Running, reason);

    /// <summary>
    /// Asks the trainer to end gracefully: finish the current batch, save a checkpoint and exit as interrupted. Wakes
    /// a paused trainer. Returns false when a stop was already requested. Safe from a Ctrl-C handler.
    /// </summary>
    public bool Stop(string? reason = null) => Move(ControlState.Stopping, reason);

    /// <summary>
    /// Returns at once unless paused; while paused, blocks (without spinning) until resumed or stopped.
    /// </summary>
    /// <returns>The state it returns in: <see cref="ControlState.Running"/> or <see cref="ControlState.Stopping"/>.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ControlState WaitIfPaused(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            _notPaused.Wait(cancellationToken);
            lock (_gate)
            {
                // Paused again between the wake-up and this check: keep waiting rather than report a pause as running.
                if (_state != ControlState.Paused) return _state;
            }
        }
    }

    private bool Move(ControlState target, string? reason)
    {
        ControlStateChange change;
        lock (_gate)
        {
            if (!IsValidTransition(_state, target)) return false;
            change = new ControlStateChange(_state, target, reason);
            _state = target;
            if (target == ControlState.Paused) _notPaused.Reset();
            else _notPaused.Set();
            if (target == ControlState.Stopping) _stopReason = reason;
        }
        // Outside the lock: handlers may read State, and cancellation callbacks run synchronously.
        if (target == ControlState.Stopping) _stop.Cancel();
        Changed?.Invoke(this, change);
        return true;
    }
}
