using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class TrainingControlTests
{
    // Long enough that a blocked waiter really is blocked, short enough to keep the suite quick.
    private static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

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
    public async Task WaitIfPausedReturnsAtOnceWhileRunning()
    {
        var control = new TrainingControl();

        Task<ControlState> wait = Task.Run(() => control.WaitIfPaused());

        Assert.True(await Finishes(wait, Generous));
        Assert.Equal(ControlState.Running, await wait);
    }

    [Fact]
    public async Task WaitIfPausedBlocksUntilResumed()
    {
        var control = new TrainingControl();
        control.Pause();

        Task<ControlState> wait = Task.Run(() => control.WaitIfPaused());
        Assert.False(await Finishes(wait, Blocked), "the trainer went on while paused");
        control.Resume();

        Assert.True(await Finishes(wait, Generous), "resume did not wake the trainer");
        Assert.Equal(ControlState.Running, await wait);
    }

    [Fact]
    public async Task StopWakesAPausedTrainerAndCancelsTheStopToken()
    {
        var control = new TrainingControl();
        control.Pause();
        Assert.False(control.StopToken.IsCancellationRequested);

        Task<ControlState> wait = Task.Run(() => control.WaitIfPaused());
        Assert.False(await Finishes(wait, Blocked));
        control.Stop();

        Assert.True(await Finishes(wait, Generous), "stop did not wake the trainer");
        Assert.Equal(ControlState.Stopping, await wait);
        Assert.True(control.StopToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ACancelledWaitThrows()
    {
        var control = new TrainingControl();
        control.Pause();
        using var cancel = new CancellationTokenSource();

        Task wait = Task.Run(() => control.WaitIfPaused(cancel.Token));
        Assert.False(await Finishes(wait, Blocked));
        await cancel.CancelAsync();

        Assert.True(await Finishes(wait, Generous));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
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
}
