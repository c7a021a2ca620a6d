using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class TrainingControlTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(ControlState.Running, ControlState.Paused, true)]
    [InlineData(ControlState.Running, ControlState.Stopping, true)]
    [InlineData(ControlState.Paused, ControlState.Running, true)]
    [InlineData(ControlState.Paused, ControlState.Stopping, true)]
    [InlineData(ControlState.Running, ControlState.Running, false)]
    [InlineData(ControlState.Paused, ControlState.Paused, false)]
    [InlineData(ControlState.Stopping, ControlState.Running, false)]
    [InlineData(ControlState.Stopping, ControlState.Paused, false)]
    [InlineData(ControlState.Stopping, ControlState.Stopping, false)]
    public void TransitionTable(ControlState from, ControlState to, bool valid)
    {
        Assert.Equal(valid, TrainingControl.IsValidTransition(from, to));
    }

    [Fact]
    public void RequestsThatDoNotFitTheCurrentStateAreIgnored()
    {
        var control = new TrainingControl();

        Assert.False(control.Resume());
        Assert.True(control.Pause());
        Assert.False(control.Pause());
        Assert.Equal(ControlState.Paused, control.State);
        Assert.True(control.Resume());
        Assert.Equal(ControlState.Running, control.State);
        Assert.True(control.Stop("Ctrl-C"));
        Assert.False(control.Stop("again"));
        Assert.False(control.Pause());
        Assert.False(control.Resume());
        Assert.Equal(ControlState.Stopping, control.State);
        Assert.Equal("Ctrl-C", control.StopReason);
        Assert.True(control.IsStopRequested);
    }

    [Fact]
    public void ChangesAreAnnouncedWithTheirReason()
    {
        var control = new TrainingControl();
        var changes = new List<ControlStateChange>();
        control.Changed += (_, c) => changes.Add(c);

        control.Pause("dashboard");
        control.Pause("double click");
        control.Stop("Ctrl-C");

        Assert.Equal(
            [new ControlStateChange(ControlState.Running, ControlState.Paused, "dashboard"), new ControlStateChange(ControlState.Paused, ControlState.Stopping, "Ctrl-C")],
            changes);
    }

    [Fact]
    public void WaitIfPausedReturnsAtOnceWhileRunning()
    {
        var control = new TrainingControl();

        using var trainer = Waiter.Start(control);

        Assert.False(trainer.IsHeld(), "the trainer was held while running");
        Assert.Equal(ControlState.Running, trainer.Outcome());
    }

    [Fact]
    public void WaitIfPausedBlocksUntilResumed()
    {
        var control = new TrainingControl();
        control.Pause();

        using var trainer = Waiter.Start(control);
        Assert.True(trainer.IsHeld(), "the trainer went on while paused");
        control.Resume();

        Assert.Equal(ControlState.Running, trainer.Outcome());
    }

    [Fact]
    public void StopWakesAPausedTrainerAndCancelsTheStopToken()
    {
        var control = new TrainingControl();
        control.Pause();
        Assert.False(control.StopToken.IsCancellationRequested);

        using var trainer = Waiter.Start(control);
        Assert.True(trainer.IsHeld(), "the trainer went on while paused");
        control.Stop();

        Assert.Equal(ControlState.Stopping, trainer.Outcome());
        Assert.True(control.StopToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ACancelledWaitThrows()
    {
        var control = new TrainingControl();
        control.Pause();
        using var cancel = new CancellationTokenSource();

        using var trainer = Waiter.Start(control, cancel.Token);
        Assert.True(trainer.IsHeld(), "the trainer went on while paused");
        await cancel.CancelAsync();

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Outcome());
        Assert.Equal(ControlState.Paused, control.State);
    }

    [Fact]
    public async Task ConcurrentRequestsOnlyEverMakeValidTransitionsAndAStopWins()
    {
        var control = new TrainingControl();
        var seen = new List<ControlStateChange>();
        control.Changed += (_, c) => { lock (seen) seen.Add(c); };
        using var done = new CancellationTokenSource();

        // A trainer thread that keeps polling while others press buttons.
        Task<int> trainer = Task.Run(() =>
        {
            int batches = 0;
            while (control.WaitIfPaused(done.Token) == ControlState.Running) batches++;
            return batches;
        });
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i =>
        {
            if (i % 2 == 0) control.Pause();
            else control.Resume();
        });
        control.Resume();
        control.Stop("end of test");

        Assert.True(await Finishes(trainer, Generous), "the trainer did not see the stop");
        Assert.Equal(ControlState.Stopping, control.State);
        lock (seen)
        {
            Assert.All(seen, c => Assert.True(TrainingControl.IsValidTransition(c.Previous, c.Current), $"{c.Previous} -> {c.Current}"));
            Assert.Equal((ControlState.Stopping, "end of test"), (seen[^1].Current, seen[^1].Reason));
        }
    }

    /// <summary>Whether <paramref name="task"/> ends within <paramref name="within"/> (without blocking a thread).</summary>
    private static async Task<bool> Finishes(Task task, TimeSpan within) =>
        await Task.WhenAny(task, Task.Delay(within)) == task;

    /// <summary>
    /// A trainer thread of its own calling <see cref="TrainingControl.WaitIfPaused"/> once. A thread of its own, not
    /// the pool's, and observed only between entering the call and returning from it, so that its being blocked
    /// (<see cref="ThreadState.WaitSleepJoin"/>, which a starting or ending thread can show too) can only mean the
    /// pause gate.
    /// </summary>
    private sealed class Waiter : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _entered, _returned;
        private ControlState _state;
        private Exception? _error;

        private Waiter(TrainingControl control, CancellationToken cancellationToken)
        {
            _thread = new Thread(() =>
            {
                _entered = true;
                try { _state = control.WaitIfPaused(cancellationToken); }
                catch (Exception e) { _error = e; }
                finally { _returned = true; }
            }) { IsBackground = true, Name = "trainer" };
        }

        public static Waiter Start(TrainingControl control, CancellationToken cancellationToken = default)
        {
            var waiter = new Waiter(control, cancellationToken);
            waiter._thread.Start();
            return waiter;
        }

        /// <summary>
        /// Waits until the call has either blocked or returned, then says whether it is blocked: a gate that lets the
        /// thread through returns without blocking it.
        /// </summary>
        public bool IsHeld()
        {
            var deadline = DateTime.UtcNow + Generous;
            while (!_returned && !(_entered && (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0))
            {
                Assert.True(DateTime.UtcNow < deadline, "the trainer thread neither blocked nor finished");
                Thread.Sleep(1); // polling for a state the thread reaches by itself
            }
            return !_returned;
        }

        /// <summary>What the call returned once released, or rethrows what it threw.</summary>
        public ControlState Outcome()
        {
            Assert.True(_thread.Join(Generous), "the trainer was not released");
            if (_error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
            return _state;
        }

        public void Dispose() => _thread.Join(Generous);
    }
}
