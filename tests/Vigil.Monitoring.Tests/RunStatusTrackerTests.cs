using Vigil.Core.Runs;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

public sealed class RunStatusTrackerTests
{
    private static readonly MetricsUpdate Position = new() { Epoch = 3, Batch = 7, TotalBatches = 10 };

    [Fact]
    public void AnActiveRunOfThisProcessKeepsTheLiveStatusAgainstAnotherTrainersPosts()
    {
        var status = new RunStatusTracker();
        status.Apply(Fixtures.Started() with { RunId = "local" });

        Assert.False(status.SetExternalState("pl-1", RunStates.Running, "created through the API", Fixtures.T0));
        Assert.False(status.ApplyExternal("pl-1", Position, Fixtures.T0));
        Assert.Equal(("local", RunStates.Running), (status.Current.RunId, status.Current.State));

        // Paused is still active: the controls act on it, so it stays live.
        status.Apply(new RunStatusChanged { RunId = "local", Status = RunStatus.Paused });
        Assert.False(status.SetExternalState("pl-1", RunStates.Completed, null, Fixtures.T0));
        Assert.Equal(("local", RunStates.Paused), (status.Current.RunId, status.Current.State));
    }

    [Fact]
    public void AnExternalRunBecomesLiveOnceTheLocalRunHasEnded()
    {
        var status = new RunStatusTracker();
        status.Apply(Fixtures.Started() with { RunId = "local" });
        status.Apply(new RunStatusChanged { RunId = "local", Status = RunStatus.Completed });

        Assert.True(status.SetExternalState("pl-1", RunStates.Running, "created through the API", Fixtures.T0));
        Assert.True(status.ApplyExternal("pl-1", Position, Fixtures.T0));
        Assert.Equal(("pl-1", RunStates.Running, 3, 7), (status.Current.RunId, status.Current.State, status.Current.Epoch, status.Current.Batch));
        // Two external trainers: the latest to post is the live one (none of them is controlled from here).
        Assert.True(status.SetExternalState("pl-2", RunStates.Running, null, Fixtures.T0));
        Assert.Equal("pl-2", status.Current.RunId);
        // A new local run takes the status back at once.
        status.Apply(Fixtures.Started() with { RunId = "local-2" });
        Assert.Equal(("local-2", RunStates.Running), (status.Current.RunId, status.Current.State));
    }

    [Fact]
    public void TheActiveRunsOwnReportsStillApply()
    {
        var status = new RunStatusTracker();
        status.Apply(Fixtures.Started() with { RunId = "local" });
        Assert.True(status.SetExternalState("local", RunStates.Completed, "reported by the trainer", Fixtures.T0));
        Assert.Equal(RunStates.Completed, status.Current.State);
    }

    [Fact]
    public void TheNextPhaseOfARunKeepsItsClockAndARestartedRunGetsANewOne()
    {
        var status = new RunStatusTracker();
        status.Apply(Fixtures.Started() with { RunId = "r", Timestamp = Fixtures.T0 });
        Assert.Equal("supervised", status.Current.Phase);
        status.Apply(Fixtures.Started() with { RunId = "r", Timestamp = Fixtures.T0.AddMinutes(5), Phase = TrainingPhase.Unsupervised });
        Assert.Equal(Fixtures.T0, status.Current.StartedAt);
        Assert.Equal("unsupervised", status.Current.Phase);

        status.Apply(new RunStatusChanged { RunId = "r", Status = RunStatus.Interrupted, Timestamp = Fixtures.T0.AddMinutes(6) });
        status.Apply(Fixtures.Started() with { RunId = "r", Timestamp = Fixtures.T0.AddHours(1) }); // --resume later
        Assert.Equal(Fixtures.T0.AddHours(1), status.Current.StartedAt);
    }
}
