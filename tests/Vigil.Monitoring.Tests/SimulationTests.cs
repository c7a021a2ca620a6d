using Vigil.Core.Runs;
using Vigil.Monitoring.Simulation;

namespace Vigil.Monitoring.Tests;

public sealed class SimulationTests
{
    private sealed class Collector : IRunObserver
    {
        public List<RunEvent> Events { get; } = [];
        public void OnEvent(RunEvent runEvent) { lock (Events) Events.Add(runEvent); }
    }

    [Fact]
    public void TheBuiltInProfileIsRetfoundV61()
    {
        SimulationProfile p = SimulationProfile.Retfound();
        Assert.Equal(211_952, p.Images);
        Assert.Equal("6.1", p.DatasetVersion);
        Assert.Equal(28, p.Classes.Count);
        Assert.Equal(18, p.Classes.Count(c => c.Modality == "fundus"));
        Assert.Equal(10, p.Classes.Count(c => c.Modality == "oct"));
        Assert.Equal(0.99, p.CriticalThresholds["RAO"]);
        Assert.Equal(0.97, p.CriticalThresholds["RVO"]);
        Assert.Equal(0.99, p.CriticalThresholds["Retinal_Detachment"]);
        Assert.All(p.CriticalThresholds.Keys, name => Assert.True(p.Classes.Single(c => c.Name == name).Critical));
        Assert.Empty(p.Problems());
        Assert.Equal((int)Math.Round(211_952 * 0.7), p.TrainImages);
    }

    [Fact]
    public void BadProfilesAreRejectedWithEveryReason()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("p.json"), """
            { "name": "x", "dataset": "d", "model": "m", "images": 50, "split": [0.5, 0.5, 0.5],
              "critical_thresholds": { "Ghost": 0.9 }, "classes": [ { "name": "A", "share": 1 }, { "name": "A", "share": -1 } ] }
            """);
        var error = Assert.Throws<SimulationProfileException>(() => SimulationProfile.Load(folder.File("p.json")));
        foreach (string part in new[] { "images must be at least 100", "split must be", "class names must be unique", "share must be positive", "critical class Ghost" })
            Assert.Contains(part, error.Message);
        File.WriteAllText(folder.File("broken.json"), "{ nope");
        Assert.Contains("not a valid profile", Assert.Throws<SimulationProfileException>(() => SimulationProfile.Load(folder.File("broken.json"))).Message);
        Assert.Contains("does not exist", Assert.Throws<SimulationProfileException>(() => SimulationProfile.Load(folder.File("missing.json"))).Message);
    }

    [Fact]
    public void EveryEpochsFiguresFollowFromItsConfusionMatrix()
    {
        SimulationProfile p = SimulationProfile.Retfound();
        var curves = new SimulatedCurves(p, seed: 3);
        for (int epoch = 1; epoch <= p.Epochs; epoch++)
        {
            EpochFigures f = curves.Validate(epoch);
            Assert.Equal(28, f.Confusion.Count);
            long total = f.Confusion.Sum(r => r.Sum());
            Assert.Equal(curves.Support.Sum(), total);
            for (int c = 0; c < 28; c++)
            {
                Assert.Equal(curves.Support[c], f.Confusion[c].Sum());
                Assert.Equal((double)f.Confusion[c][c] / curves.Support[c], f.PerClass[c].Sensitivity!.Value, 12);
                long predicted = f.Confusion.Sum(r => r[c]);
                if (predicted > 0) Assert.Equal((double)f.Confusion[c][c] / predicted, f.PerClass[c].Precision!.Value, 12);
                Assert.InRange(f.PerClass[c].Auroc!.Value, 0.5, 1);
            }
            Assert.Equal((double)Enumerable.Range(0, 28).Sum(c => f.Confusion[c][c]) / total, f.Accuracy, 12);
            Assert.Equal(f.PerClass.Average(c => c.F1!.Value), f.F1Macro, 12);
        }
    }

    [Fact]
    public void CurvesLearnAndCriticalClassesSometimesDipUnderTheirThreshold()
    {
        SimulationProfile p = SimulationProfile.Retfound() with { Epochs = 60 };
        var curves = new SimulatedCurves(p, seed: 42);
        var figures = Enumerable.Range(1, p.Epochs).Select(curves.Validate).ToList();
        Assert.True(figures[^1].Accuracy > figures[0].Accuracy + 0.1, $"accuracy {figures[0].Accuracy:F3} → {figures[^1].Accuracy:F3}");
        Assert.True(curves.ValLoss(p.Epochs / 2) < curves.ValLoss(1));
        Assert.True(curves.TrainLoss(p.Epochs, false) < curves.TrainLoss(0, false));
        // Warm-up rises, the cosine schedule ends near zero.
        Assert.True(curves.LearningRate(1) < curves.LearningRate(p.WarmupEpochs));
        Assert.True(curves.LearningRate(p.Epochs) < 1e-9);
        int rao = p.Classes.ToList().FindIndex(c => c.Name == "RAO");
        var late = figures.Skip(p.Epochs / 2).Select(f => f.PerClass[rao].Sensitivity!.Value).ToList();
        Assert.Contains(late, s => s < 0.99);
        Assert.True(late.Count(s => s >= 0.99) > late.Count / 2, "RAO should meet its threshold most of the time once trained");
    }

    [Fact]
    public async Task ARunPublishesTheTrainersEventsInOrder()
    {
        var collector = new Collector();
        var control = new TrainingControl();
        RunStatus status = await TrainingSimulator.RunAsync(SimulationProfile.Retfound(), new SimulationOptions { Epochs = 3, EpochSeconds = 0 },
            new RunEventPublisher("sim", collector), control);
        Assert.Equal(RunStatus.Completed, status);
        var started = Assert.IsType<RunStarted>(collector.Events[0]);
        Assert.Equal(28, started.Classes.Count);
        Assert.Equal(3, started.SensitivityTargets.Count);
        var epochs = collector.Events.OfType<EpochCompleted>().ToList();
        Assert.Equal([1, 2, 3], epochs.Select(e => e.Epoch));
        Assert.All(epochs, e => Assert.Equal(28, e.ConfusionMatrix.Count));
        var batches = collector.Events.OfType<BatchCompleted>().ToList();
        Assert.Equal(3 * 20, batches.Count);
        Assert.All(batches.GroupBy(b => b.Epoch), g => Assert.Equal(started.BatchesPerEpoch, g.Last().Batch));
        Assert.True(batches.Zip(batches.Skip(1)).All(pair => pair.Second.GlobalStep > pair.First.GlobalStep));
        Assert.Single(collector.Events.OfType<EvaluationCompleted>());
        Assert.Equal(RunStatus.Completed, Assert.IsType<RunStatusChanged>(collector.Events[^1]).Status);
    }

    [Fact]
    public async Task PauseHoldsTheSimulationAndStopEndsIt()
    {
        var collector = new Collector();
        var control = new TrainingControl();
        Task<RunStatus> run = TrainingSimulator.RunAsync(SimulationProfile.Retfound(), new SimulationOptions { Epochs = 50, EpochSeconds = 2, BatchEventsPerSecond = 50 },
            new RunEventPublisher("sim", collector), control);
        await WaitUntil(() => Count<BatchCompleted>(collector) >= 3);
        Assert.True(control.Pause("test"));
        await WaitUntil(() => Statuses(collector).Contains(RunStatus.Paused));
        Assert.True(control.Stop("test"));
        Assert.Equal(RunStatus.Interrupted, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(RunStatus.Interrupted, Statuses(collector)[^1]);
        // Held from the pause to the stop: no batch came after the paused status, whenever the stop arrived.
        RunEvent[] afterPause = collector.Events.SkipWhile(e => e is not RunStatusChanged { Status: RunStatus.Paused }).ToArray();
        Assert.NotEmpty(afterPause);
        Assert.Empty(afterPause.OfType<BatchCompleted>());
        Assert.Empty(collector.Events.OfType<EvaluationCompleted>());
    }

    private static int Count<T>(Collector c) { lock (c.Events) return c.Events.OfType<T>().Count(); }

    private static List<RunStatus> Statuses(Collector c) { lock (c.Events) return c.Events.OfType<RunStatusChanged>().Select(s => s.Status).ToList(); }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(20);
        }
    }
}
