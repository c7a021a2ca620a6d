using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Training;
using Vigil.ML.Training.Checkpoints;

namespace Vigil.ML.Runs;

/// <summary>One row of history.csv.</summary>
public sealed record HistoryRow(string Phase, int Epoch, double TrainLoss, double? ValLoss, string Monitor, double MonitorValue,
    double LearningRate, double? ImagesPerSecond, double Seconds, bool IsBest);

/// <summary>How a phase's epoch loop ended.</summary>
/// <param name="Stopped">True when a stop request (Ctrl-C, the control) ended it early; a checkpoint was saved.</param>
/// <param name="BestEpoch">Epoch whose weights the modules hold now.</param>
/// <param name="BestMonitor">Monitor value at that epoch.</param>
/// <param name="History">One row per epoch trained in this process.</param>
public sealed record LoopOutcome(bool Stopped, int BestEpoch, double? BestMonitor, IReadOnlyList<HistoryRow> History);

/// <summary>
/// The epoch loop shared by the classifier and the VAE: LR schedule, pause/stop at batch boundaries, events,
/// throughput and ETA, validation, early stopping, atomic checkpoints every epoch and exact resume.
/// </summary>
internal static class EpochLoop
{
    /// <summary>Consecutive steps with non-finite gradients (each skipped) after which the run stops as diverged.</summary>
    internal const int MaxNonFiniteSteps = 5;

    private const string DoneFile = "done.json";

    public static LoopOutcome Run(RunContext ctx, IPhaseTrainer trainer, BatchLoader loader, int epochs,
        CosineWarmupSchedule schedule, CheckpointFingerprint fingerprint, int trainImages, int valImages)
    {
        var request = ctx.Request;
        var folder = ctx.PhaseFolder(trainer.Phase);
        var store = new CheckpointStore(folder);
        var parts = new CheckpointParts(trainer.Modules, trainer.Optimizers);
        var early = new EarlyStopping(request.Patience > 0 ? request.Patience : int.MaxValue, 1e-4, MetricGoal.Maximize);
        int batchesPerEpoch = request.MaxBatchesPerEpoch is { } max ? Math.Min(max, loader.BatchesPerEpoch) : loader.BatchesPerEpoch;

        int startEpoch = 1, startBatch = 0;
        long globalStep = 0;
        string? resumedFrom = null;
        if (request.Resume && store.HasLast)
        {
            var state = store.RestoreLast(fingerprint, parts);
            resumedFrom = store.LastPath;
            globalStep = state.GlobalStep;
            if (state.Schedule is { } s) schedule.Restore(s);
            if (state.EarlyStopping is { } e) early.Restore(e);
            startEpoch = (int)state.DataState.GetValueOrDefault("epoch", state.Epoch + 1);
            startBatch = (int)state.DataState.GetValueOrDefault("next_batch", 0);
            if (File.Exists(Path.Combine(folder, DoneFile)) && DoneEpochs(folder) >= epochs)
            {
                ctx.Log($"{Name(trainer)}: already complete in {folder}; loading its best weights");
                RestoreBest(store, fingerprint, parts);
                // Watchers still learn how far this phase went, so a later phase's steps continue after it.
                ctx.Events.Publish(Started(startEpoch));
                return new LoopOutcome(false, early.BestEpoch, early.Best, []);
            }
            ctx.Log($"{Name(trainer)}: resuming at epoch {startEpoch}, batch {startBatch + 1} from {store.LastPath}");
        }
        else File.Delete(Path.Combine(folder, DoneFile));

        RunStarted Started(int first) => new()
        {
            Phase = trainer.Phase, ModelKind = trainer.ModelKind, Dataset = request.Dataset.Name,
            DatasetPath = request.Dataset.Folder, Classes = request.Dataset.Classes, NormalClass = request.Dataset.NormalClass,
            Epochs = epochs, BatchesPerEpoch = batchesPerEpoch, BatchSize = loader.Options.BatchSize, StartEpoch = first, StepsDone = globalStep,
            ResumedFrom = resumedFrom, TrainImages = trainImages, ValImages = valImages, ImageSize = loader.Data.ImageSize,
            Device = request.Compute.Description, MonitorMetric = trainer.MonitorName,
            Hyperparameters = Hyperparameters.Of(("lr", trainer.Phase == TrainingPhase.Unsupervised ? request.VaeLearningRate : request.LearningRate),
                ("weight_decay", request.WeightDecay), ("seed", request.Seed), ("augment", request.Augment), ("patience", request.Patience)),
        };
        ctx.Events.Publish(Started(startEpoch));
        Status(ctx, RunStatus.Running, $"{Name(trainer)} training", startEpoch);

        var meter = new ThroughputMeter();
        var history = new List<HistoryRow>();
        bool stopped = false;
        int nonFiniteSteps = 0;
        for (int epoch = startEpoch; epoch <= epochs && !stopped; epoch++)
        {
            meter.StartEpoch();
            double lossSum = 0; int batches = 0, seen = 0, correct = 0; bool classifies = false;
            var partSums = new Dictionary<string, double>();
            var batchSource = startBatch > 0 ? loader.Resume(loader.StateAt(epoch, startBatch)) : loader.Epoch(epoch);
            startBatch = 0;
            foreach (var batch in batchSource)
            {
                using (batch)
                {
                    if (batch.Index >= batchesPerEpoch) break;
                    // A mid-epoch checkpoint that resumes at this very batch: written before a pause (so a paused run
                    // that is then killed loses nothing) and before a stop.
                    int here = batch.Index;
                    void SaveHere() => Save(ctx, store, parts, trainer, fingerprint, epoch - 1, globalStep, schedule, early, epoch, here, isBest: false);
                    if (!AwaitRunning(ctx, epoch, SaveHere))
                    {
                        SaveHere();
                        stopped = true;
                        break;
                    }
                    double lr = schedule.Apply(trainer.Optimizers.Values.First());
                    var step = trainer.TrainStep(batch, globalStep);
                    schedule.Advance();
                    globalStep++;
                    nonFiniteSteps = step.GradientNorm is { } g && !double.IsFinite(g) ? nonFiniteSteps + 1 : 0;
                    if (nonFiniteSteps >= MaxNonFiniteSteps)
                        throw new TrainingDivergedException(
                            $"training diverged: the gradients were not finite in {nonFiniteSteps} steps in a row (epoch {epoch}, batch {batch.Index + 1}, " +
                            $"loss {step.Loss:G4}); those updates were skipped and the last checkpoint is intact. Lower --lr, check the images " +
                            "for extreme values, or run `vigil doctor`.");
                    meter.BatchCompleted(batch.Size);
                    lossSum += step.Loss; batches++; seen += batch.Size;
                    if (step.Correct is { } c) { correct += c; classifies = true; }
                    foreach (var (k, v) in step.Parts) partSums[k] = partSums.GetValueOrDefault(k) + v;
                    ctx.Events.Publish(new BatchCompleted
                    {
                        Epoch = epoch, Batch = batch.Index + 1, BatchesInEpoch = batchesPerEpoch, GlobalStep = globalStep, Loss = step.Loss,
                        LossParts = step.Parts, Accuracy = step.Correct is { } k2 ? (double)k2 / batch.Size : null, LearningRate = lr,
                        Images = batch.Size, ImagesPerSecond = meter.ImagesPerSecond, GradientNorm = step.GradientNorm,
                        EtaSeconds = meter.EtaSeconds(ThroughputMeter.RemainingBatches(epoch, batch.Index + 1, epochs, batchesPerEpoch), epochs - epoch + 1),
                    });
                }
            }
            if (stopped) break;
            var timing = meter.EndEpoch();
            var validation = trainer.Validate(epoch);
            double? highestBefore = early.Peak;
            var decision = early.Update(epoch, validation.Monitor, validation.MonitorTolerance, validation.Loss);
            if (decision.ByTieBreak)
                ctx.Log($"{Name(trainer)}: epoch {epoch} is the best so far by its lower validation loss ({validation.Loss:F4}): {trainer.MonitorName} " +
                        $"{validation.Monitor:F4} is within one standard error ({validation.MonitorTolerance:F4}) of the highest before it, {highestBefore:F4}");
            Save(ctx, store, parts, trainer, fingerprint, epoch, globalStep, schedule, early, epoch + 1, 0, decision.Improved);
            double trainLoss = batches > 0 ? lossSum / batches : double.NaN;
            ctx.Events.Publish(validation.Event with
            {
                Epoch = epoch, Epochs = epochs, GlobalStep = globalStep, TrainLoss = trainLoss,
                TrainLossParts = partSums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, batches)),
                ValLoss = validation.Loss, ValLossParts = validation.Parts,
                TrainAccuracy = classifies && seen > 0 ? (double)correct / seen : null,
                LearningRate = schedule.LearningRateAt(Math.Max(0, schedule.Step - 1)), ImagesPerSecond = timing.ImagesPerSecond,
                ElapsedSeconds = timing.ElapsedSeconds, RunElapsedSeconds = meter.RunElapsed.TotalSeconds,
                EtaSeconds = meter.EtaSeconds((long)(epochs - epoch) * batchesPerEpoch, epochs - epoch),
                MonitorMetric = trainer.MonitorName, MonitorValue = validation.Monitor, IsBest = decision.Improved,
                BestValue = early.Best, EpochsWithoutImprovement = early.EpochsWithoutImprovement,
            });
            history.Add(new HistoryRow(Name(trainer), epoch, trainLoss, validation.Loss, trainer.MonitorName, validation.Monitor,
                schedule.LearningRateAt(Math.Max(0, schedule.Step - 1)), timing.ImagesPerSecond, timing.ElapsedSeconds, decision.Improved));
            if (decision.ShouldStop)
            {
                ctx.Log($"{Name(trainer)}: early stop at epoch {epoch} ({trainer.MonitorName} has not improved for {early.Patience} epochs; best {early.Best:F4} at epoch {early.BestEpoch})");
                break;
            }
        }
        if (stopped)
        {
            Status(ctx, RunStatus.Interrupted, $"{Name(trainer)} stopped; resume with --resume", null);
            return new LoopOutcome(true, early.BestEpoch, early.Best, history);
        }
        RestoreBest(store, fingerprint, parts);
        File.WriteAllText(Path.Combine(folder, DoneFile), JsonSerializer.Serialize(new { epochs, best_epoch = early.BestEpoch, best = early.Best }));
        return new LoopOutcome(false, early.BestEpoch, early.Best, history);
    }

    // Epochs a finished phase was asked for: a resume asking for more continues training instead of skipping it.
    private static int DoneEpochs(string folder)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, DoneFile)));
            return doc.RootElement.TryGetProperty("epochs", out var e) ? e.GetInt32() : int.MaxValue;
        }
        catch (JsonException) { return 0; }
    }

    private static string Name(IPhaseTrainer trainer) => trainer.Phase.ToString().ToLowerInvariant();

    /// <summary>Blocks while paused, after saving a checkpoint; false when a stop was requested (control or Ctrl-C).</summary>
    internal static bool AwaitRunning(RunContext ctx, int epoch, Action saveCheckpoint)
    {
        if (ctx.Cancellation.IsCancellationRequested) ctx.Control.Stop("interrupted (Ctrl-C)");
        if (ctx.Control.State == ControlState.Paused)
        {
            saveCheckpoint();
            Status(ctx, RunStatus.Paused, "paused", epoch);
            try { ctx.Control.WaitIfPaused(ctx.Cancellation); }
            catch (OperationCanceledException) { ctx.Control.Stop("interrupted (Ctrl-C)"); }
            if (ctx.Control.State == ControlState.Running) Status(ctx, RunStatus.Running, "resumed", epoch);
        }
        if (ctx.Control.IsStopRequested)
        {
            Status(ctx, RunStatus.Stopping, ctx.Control.StopReason ?? "stop requested", epoch);
            return false;
        }
        return true;
    }

    internal static void Status(RunContext ctx, RunStatus status, string message, int? epoch) =>
        ctx.Events.Publish(new RunStatusChanged { Status = status, Message = message, Epoch = epoch });

    private static CheckpointSaveResult Save(RunContext ctx, CheckpointStore store, CheckpointParts parts, IPhaseTrainer trainer,
        CheckpointFingerprint fingerprint, int completedEpoch, long globalStep, CosineWarmupSchedule schedule, EarlyStopping early,
        int nextEpoch, int nextBatch, bool isBest)
    {
        var state = new CheckpointState
        {
            Fingerprint = fingerprint, Epoch = completedEpoch, GlobalStep = globalStep, Seed = ctx.Request.Seed,
            Schedule = schedule.State, EarlyStopping = early.State,
            Best = early.Best is { } b ? new BestMetric(trainer.MonitorName, b, early.BestEpoch) : null,
            DataState = new Dictionary<string, long> { ["epoch"] = nextEpoch, ["next_batch"] = nextBatch },
        };
        var result = store.Save(state, parts, isBest);
        ctx.Events.Publish(new CheckpointSaved { Path = result.LastPath, Epoch = completedEpoch, GlobalStep = globalStep, IsBest = isBest, Bytes = result.LastBytes });
        return result;
    }

    private static void RestoreBest(CheckpointStore store, CheckpointFingerprint fingerprint, CheckpointParts parts)
    {
        var path = File.Exists(store.BestPath) ? store.BestPath : store.LastPath;
        if (File.Exists(path)) Checkpoint.Restore(path, fingerprint, parts);
    }
}
