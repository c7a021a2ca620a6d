using System.Diagnostics;
using Vigil.Core.Runs;

namespace Vigil.Monitoring.Simulation;

/// <summary>How fast and how long a simulated run goes.</summary>
public sealed record SimulationOptions
{
    /// <summary>Epochs (null: the profile's).</summary>
    public int? Epochs { get; init; }
    /// <summary>Wall-clock seconds per simulated epoch (0: as fast as possible, for tests).</summary>
    public double EpochSeconds { get; init; } = 20;
    /// <summary>Batch events per wall-clock second.</summary>
    public double BatchEventsPerSecond { get; init; } = 20;
    /// <summary>Seed of the curves.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// Plays a training run of a <see cref="SimulationProfile"/> through the same events a real trainer publishes
/// (run started, batches, epochs with per-class results and confusion matrix, test evaluation, status), so the
/// monitor and its dashboard can be shown without training anything. It obeys <see cref="TrainingControl"/> like a
/// trainer: pause holds it between batches, stop ends it as "stopped".
/// </summary>
public static class TrainingSimulator
{
    /// <summary>Runs the simulation to its end, a stop, or cancellation (treated as a stop).</summary>
    /// <returns>The final status: completed or interrupted.</returns>
    public static async Task<RunStatus> RunAsync(SimulationProfile profile, SimulationOptions options, RunEventPublisher events,
        TrainingControl control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(control);
        if (options.EpochSeconds < 0 || options.BatchEventsPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(options), "epoch seconds must be ≥ 0 and batch events per second > 0");
        int epochs = options.Epochs ?? profile.Epochs;
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), "epochs must be at least 1");
        profile = profile with { Epochs = epochs };
        var curves = new SimulatedCurves(profile, options.Seed);
        int batches = profile.BatchesPerEpoch;
        // Batch events are sampled: at most BatchEventsPerSecond, each carrying the batch number it stands for.
        int ticks = options.EpochSeconds > 0 ? Math.Clamp((int)(options.EpochSeconds * options.BatchEventsPerSecond), 1, batches) : Math.Min(batches, 20);
        TimeSpan tick = TimeSpan.FromSeconds(options.EpochSeconds / ticks);
        using CancellationTokenRegistration registration = cancellationToken.Register(() => control.Stop("interrupted (Ctrl-C)"));

        events.Publish(new RunStarted
        {
            Phase = TrainingPhase.Supervised, ModelKind = profile.Model, Dataset = profile.Dataset, Classes = profile.Classes.Select(c => c.Name).ToArray(),
            NormalClass = profile.Classes[0].Name, Epochs = epochs, BatchesPerEpoch = batches, BatchSize = profile.BatchSize,
            TrainImages = profile.TrainImages, ValImages = profile.ValImages, ImageSize = profile.ImageSize, Device = "simulated (no training)",
            MonitorMetric = "val_auroc_macro", SensitivityTargets = profile.CriticalThresholds,
            Hyperparameters = Hyperparameters.Of(("lr", profile.LearningRate), ("warmup_epochs", profile.WarmupEpochs), ("batch_size", profile.BatchSize),
                ("dataset_version", profile.DatasetVersion ?? ""), ("images", profile.Images), ("simulated", true), ("seed", options.Seed)),
        });
        Status(events, RunStatus.Running, $"simulating {profile.Name} ({profile.Images:N0} images, {profile.Classes.Count} classes)", 1);

        var run = Stopwatch.StartNew();
        double best = double.NegativeInfinity;
        int bestEpoch = 0;
        EpochFigures? last = null;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            for (int t = 1; t <= ticks; t++)
            {
                if (!await AwaitRunningAsync(events, control, epoch)) return Stopped(events);
                if (tick > TimeSpan.Zero) await Task.Delay(tick, CancellationToken.None);
                int batch = (int)Math.Round((double)batches * t / ticks);
                double at = epoch - 1 + (double)batch / batches;
                double loss = curves.TrainLoss(at, batchNoise: true);
                lossSum += loss;
                long step = (long)(epoch - 1) * batches + batch;
                events.Publish(new BatchCompleted
                {
                    Epoch = epoch, Batch = batch, BatchesInEpoch = batches, GlobalStep = step, Loss = loss, Accuracy = curves.BatchAccuracy(at),
                    LearningRate = curves.LearningRate(at), Images = profile.BatchSize, ImagesPerSecond = profile.ImagesPerSecond * (0.97 + 0.06 * Random.Shared.NextDouble()),
                    EtaSeconds = Remaining(options, epochs, epoch, (double)t / ticks),
                });
            }
            EpochFigures figures = last = curves.Validate(epoch);
            bool improved = figures.AurocMacro > best + 1e-4;
            if (improved) { best = figures.AurocMacro; bestEpoch = epoch; }
            events.Publish(new EpochCompleted
            {
                Epoch = epoch, Epochs = epochs, GlobalStep = (long)epoch * batches, TrainLoss = lossSum / ticks, ValLoss = curves.ValLoss(epoch),
                TrainAccuracy = Math.Min(0.999, figures.Accuracy + 0.03 * epoch / epochs), Accuracy = figures.Accuracy, AurocMacro = figures.AurocMacro,
                AurocWeighted = figures.AurocWeighted, F1Macro = figures.F1Macro, PerClass = figures.PerClass, ConfusionMatrix = figures.Confusion,
                LearningRate = curves.LearningRate(epoch), ImagesPerSecond = profile.ImagesPerSecond, ElapsedSeconds = epochClock.Elapsed.TotalSeconds,
                RunElapsedSeconds = run.Elapsed.TotalSeconds, EtaSeconds = Remaining(options, epochs, epoch, 1), MonitorMetric = "val_auroc_macro",
                MonitorValue = figures.AurocMacro, IsBest = improved, BestValue = best, EpochsWithoutImprovement = epoch - bestEpoch,
            });
        }
        events.Publish(new EvaluationCompleted
        {
            Split = "test", Epoch = bestEpoch, Model = profile.Model, Images = (int)Math.Round(profile.Images * profile.Split[2]),
            Metrics = new Dictionary<string, double?> { ["accuracy"] = last!.Accuracy, ["auroc_macro"] = last.AurocMacro, ["auroc_weighted"] = last.AurocWeighted, ["f1_macro"] = last.F1Macro },
            PerClass = last.PerClass, ConfusionMatrix = last.Confusion,
        });
        Status(events, RunStatus.Completed, $"simulation complete: best val AUROC {best:F4} at epoch {bestEpoch}", epochs);
        return RunStatus.Completed;
    }

    // Wall-clock seconds left, as a user of the simulation experiences them.
    private static double Remaining(SimulationOptions options, int epochs, int epoch, double fractionDone) =>
        Math.Max(0, (epochs - epoch + 1 - fractionDone) * options.EpochSeconds);

    private static async Task<bool> AwaitRunningAsync(RunEventPublisher events, TrainingControl control, int epoch)
    {
        if (control.State == ControlState.Paused)
        {
            Status(events, RunStatus.Paused, "paused", epoch);
            await Task.Run(() => control.WaitIfPaused()).ConfigureAwait(false);
            if (control.State == ControlState.Running) Status(events, RunStatus.Running, "resumed", epoch);
        }
        return !control.IsStopRequested;
    }

    private static RunStatus Stopped(RunEventPublisher events)
    {
        Status(events, RunStatus.Stopping, "stop requested", null);
        Status(events, RunStatus.Interrupted, "simulation stopped", null);
        return RunStatus.Interrupted;
    }

    private static void Status(RunEventPublisher events, RunStatus status, string message, int? epoch) =>
        events.Publish(new RunStatusChanged { Status = status, Message = message, Epoch = epoch });
}
