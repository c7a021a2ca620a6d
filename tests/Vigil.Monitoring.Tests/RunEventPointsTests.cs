using Vigil.Core.Runs;
using Vigil.Monitoring.Live;

namespace Vigil.Monitoring.Tests;

public sealed class RunEventPointsTests
{
    [Fact]
    public void SeriesNamesStepsAndClassMonitoringSwitch()
    {
        var points = new RunEventPoints();
        var batch = points.From(Fixtures.Batch(1, 3, 4, loss: 0.5) with { RunId = "r", LossParts = new Dictionary<string, double> { ["kl"] = 0.1 } });
        Assert.Equal(["loss/train", "loss/train/kl", "accuracy/train", "learning_rate", "throughput"], batch.Select(p => p.Series));
        Assert.All(batch, p => Assert.Equal(3, p.Step));

        var epoch = points.From(Fixtures.Epoch(1, 2, 0, raoSensitivity: 0.9) with { RunId = "r" }); // no global step: the last batch's
        Assert.All(epoch, p => Assert.Equal(3, p.Step));
        Assert.Contains(epoch, p => p.Series == "sensitivity/RAO" && p.Value == 0.9);
        Assert.DoesNotContain(epoch, p => p.Series == "sensitivity/RVO");
        var evaluation = points.From(new EvaluationCompleted { RunId = "r", Split = "test", Metrics = new Dictionary<string, double?> { ["auroc"] = 0.9, ["f1"] = null } });
        Assert.Equal("eval/test/auroc", Assert.Single(evaluation).Series);

        Assert.DoesNotContain(new RunEventPoints(perClass: false).From(Fixtures.Epoch(1, 2, 8, 0.9)), p => p.Series.StartsWith("sensitivity/", StringComparison.Ordinal));
        Assert.Empty(points.From(Fixtures.Started()));
    }

    [Fact]
    public void ALaterPhaseContinuesTheRunsStepsAndEpochsAndAResumeKeepsItsOffsets()
    {
        var points = new RunEventPoints();
        points.From(Fixtures.Started() with { Phase = TrainingPhase.Supervised });
        Assert.Equal(8, points.From(Fixtures.Batch(2, 4, 4, loss: 1) with { GlobalStep = 8 })[0].Step);
        var data = new System.Text.Json.Nodes.JsonObject();
        Assert.Equal(2, points.Timeline.StampEpoch(data, 2));

        points.From(Fixtures.Started() with { Phase = TrainingPhase.Unsupervised });
        Assert.Equal(TrainingPhase.Unsupervised, points.Timeline.Phase);
        Assert.Equal(9, points.From(Fixtures.Batch(1, 1, 4, loss: 1) with { GlobalStep = 1 })[0].Step);
        Assert.Equal(3, points.Timeline.StampEpoch(data, 1));
        Assert.Equal((3, 1, "unsupervised"), ((int)data["epoch"]!, (int)data["phase_epoch"]!, (string)data["phase"]!));

        // The VAE phase restarts (resumed): same offsets, not shifted again.
        points.From(Fixtures.Started() with { Phase = TrainingPhase.Unsupervised });
        Assert.Equal(10, points.From(Fixtures.Batch(1, 2, 4, loss: 1) with { GlobalStep = 2 })[0].Step);
    }

    [Fact]
    public void TheVaePhaseLossesHaveTheirOwnSeries()
    {
        var points = new RunEventPoints();
        points.From(Fixtures.Started() with { Phase = TrainingPhase.Supervised });
        Assert.Contains(points.From(Fixtures.Batch(1, 1, 4, loss: 0.7) with { GlobalStep = 1 }), p => p.Series == "loss/train" && p.Value == 0.7);

        points.From(Fixtures.Started() with { Phase = TrainingPhase.Unsupervised });
        var batch = points.From(Fixtures.Batch(1, 1, 4, loss: 350) with { GlobalStep = 1, LossParts = new Dictionary<string, double> { ["recon"] = 340, ["kl"] = 10 } });
        Assert.Equal(["vae_loss/train", "vae_loss/train/recon", "vae_loss/train/kl"], batch.Select(p => p.Series).Where(s => s.Contains("loss", StringComparison.Ordinal)));
        var epoch = points.From(Fixtures.Epoch(1, 2, 0, raoSensitivity: 0.9) with { ValLoss = 360, ValLossParts = new Dictionary<string, double> { ["recon"] = 350 } });
        Assert.Contains(epoch, p => p.Series == "vae_loss/val" && p.Value == 360);
        Assert.Contains(epoch, p => p.Series == "vae_loss/val/recon");
        Assert.DoesNotContain(epoch, p => p.Series.StartsWith("loss/", StringComparison.Ordinal));
    }

    [Fact]
    public void AfterARestartACompletedPhaseStillPushesTheNextOneBack()
    {
        // A new process (or server) resumes a run whose classifier finished: 3 epochs, 12 steps, announced as complete.
        var points = new RunEventPoints();
        var epochs = Fixtures.Started() with { Epochs = 3 };
        points.From(epochs with { Phase = TrainingPhase.Supervised, StartEpoch = 4, StepsDone = 12 });
        // The VAE resumes mid-way (epoch 2, 5 steps done): its axis starts after the classifier's 12 steps and 3 epochs.
        points.From(epochs with { Phase = TrainingPhase.Unsupervised, StartEpoch = 2, StepsDone = 5 });
        Assert.Equal(12 + 6, points.From(Fixtures.Batch(2, 2, 4, loss: 1) with { GlobalStep = 6 })[0].Step);
        Assert.Equal(3 + 2, points.Timeline.StampEpoch(new System.Text.Json.Nodes.JsonObject(), 2));
    }
}
