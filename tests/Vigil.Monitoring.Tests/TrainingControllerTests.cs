using Vigil.Core.Runs;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

public sealed class TrainingControllerTests
{
    [Fact]
    public void TransitionsFollowTheRunAndInvalidOnesAreRefusedWithTheState()
    {
        var status = new RunStatusTracker();
        var controller = new InProcessTrainingController(status);
        Assert.Equal(RunStates.Idle, controller.State);
        ControlResult idle = controller.Pause();
        Assert.False(idle.Accepted);
        Assert.Equal(RunStates.Idle, idle.State);

        var control = new TrainingControl();
        controller.Attach("r", control);
        status.Apply(Fixtures.Started() with { RunId = "r" });
        Assert.False(controller.Resume().Accepted);
        Assert.True(controller.Pause("dashboard").Accepted);
        Assert.Equal(ControlState.Paused, control.State);
        Assert.Equal(RunStates.Paused, controller.State);
        Assert.False(controller.Pause().Accepted);
        Assert.True(controller.Resume().Accepted);
        Assert.True(controller.Stop("done").Accepted);
        Assert.Equal(ControlState.Stopping, control.State);
        Assert.Equal("done", control.StopReason);
        ControlResult again = controller.Stop();
        Assert.False(again.Accepted);
        Assert.Equal(RunStates.Stopping, again.State);

        // The trainer reports the end; from then on its report is the state.
        status.Apply(new RunStatusChanged { RunId = "r", Status = RunStatus.Interrupted });
        Assert.Equal(RunStates.Stopped, controller.State);
    }

    [Fact]
    public async Task StartGoesThroughTheLauncherAndIsRefusedWhileARunIsActive()
    {
        var status = new RunStatusTracker();
        Assert.False((await new InProcessTrainingController(status).StartAsync(new TrainingStartRequest())).Accepted);

        InProcessTrainingController? controller = null;
        TrainingStartRequest? seen = null;
        controller = new InProcessTrainingController(status, (request, _) =>
        {
            seen = request;
            controller!.Attach("new-run", new TrainingControl());
            return Task.FromResult("new-run");
        });
        ControlResult started = await controller.StartAsync(new TrainingStartRequest { Dataset = "/data/retina", Epochs = 3 });
        Assert.True(started.Accepted);
        Assert.Equal("new-run", started.RunId);
        Assert.Equal("/data/retina", seen!.Dataset);
        ControlResult second = await controller.StartAsync(new TrainingStartRequest());
        Assert.False(second.Accepted);
        Assert.Equal(RunStates.Running, second.State);
    }
}
