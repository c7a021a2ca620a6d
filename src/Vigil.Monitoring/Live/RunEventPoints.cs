using Vigil.Core.Runs;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Live;

/// <summary>
/// The series points a run event stands for (x = the global optimizer step). One place decides the series names, so
/// the in-process recorder and the remote observer store the same thing. Not thread-safe: one instance per run.
/// </summary>
/// <remarks>
/// Per batch: <c>loss/train</c>, <c>loss/train/&lt;part&gt;</c>, <c>accuracy/train</c>, <c>learning_rate</c>,
/// <c>throughput</c>, <c>grad_norm</c>. Per epoch: <c>loss/train_epoch</c>, <c>loss/val</c>, <c>loss/val/&lt;part&gt;</c>,
/// <c>accuracy/train_epoch</c>, <c>accuracy/val</c>, <c>auc_roc/macro</c>, <c>auc_roc/weighted</c>, <c>f1_score</c>,
/// <c>epoch_seconds</c> and, with class monitoring on, <c>sensitivity|specificity|precision|f1|auroc/&lt;class&gt;</c>.
/// After an evaluation: <c>eval/&lt;split&gt;/&lt;metric&gt;</c>. Steps of a run's later phases continue after the
/// earlier phases' (<see cref="Timeline"/>). The VAE's losses (unsupervised phase) are <c>vae_loss/…</c> in place of
/// <c>loss/…</c>: a reconstruction error summed over pixels is hundreds of times a cross-entropy, and one series
/// holding both would flatten the classifier's curve of an <c>all</c> run.
/// </remarks>
public sealed class RunEventPoints(bool perClass = true)
{
    private long _lastStep;

    /// <summary>Where each phase of the run sits on the run's step and epoch axis.</summary>
    public PhaseTimeline Timeline { get; } = new();

    /// <summary>The points of <paramref name="runEvent"/> (empty for events that carry no figures).</summary>
    public List<MetricPoint> From(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        var points = new List<MetricPoint>();
        long step = _lastStep;
        string loss = Timeline.Phase == TrainingPhase.Unsupervised ? "vae_loss" : "loss";
        void Add(string series, double? value)
        {
            if (value is { } v) points.Add(new MetricPoint(runEvent.RunId, series, step, v, runEvent.Timestamp));
        }
        switch (runEvent)
        {
            case RunStarted started:
                Timeline.Started(started);
                break;
            case BatchCompleted batch:
                step = _lastStep = Timeline.Step(batch.GlobalStep);
                Add($"{loss}/train", batch.Loss);
                foreach ((string part, double value) in batch.LossParts) Add($"{loss}/train/{part}", value);
                Add("accuracy/train", batch.Accuracy);
                Add("learning_rate", batch.LearningRate);
                Add("throughput", batch.ImagesPerSecond);
                Add("grad_norm", batch.GradientNorm);
                break;
            case EpochCompleted epoch:
                if (epoch.GlobalStep > 0) step = _lastStep = Timeline.Step(epoch.GlobalStep);
                Add($"{loss}/train_epoch", epoch.TrainLoss);
                Add($"{loss}/val", epoch.ValLoss);
                foreach ((string part, double value) in epoch.ValLossParts) Add($"{loss}/val/{part}", value);
                Add("accuracy/train_epoch", epoch.TrainAccuracy);
                Add("accuracy/val", epoch.Accuracy);
                Add("auc_roc/macro", epoch.AurocMacro);
                Add("auc_roc/weighted", epoch.AurocWeighted);
                Add("f1_score", epoch.F1Macro);
                Add("epoch_seconds", epoch.ElapsedSeconds);
                if (!perClass) break;
                foreach (ClassMetrics c in epoch.PerClass)
                {
                    Add($"sensitivity/{c.Class}", c.Sensitivity);
                    Add($"specificity/{c.Class}", c.Specificity);
                    Add($"precision/{c.Class}", c.Precision);
                    Add($"f1/{c.Class}", c.F1);
                    Add($"auroc/{c.Class}", c.Auroc);
                }
                break;
            case EvaluationCompleted evaluation:
                foreach ((string name, double? value) in evaluation.Metrics) Add($"eval/{evaluation.Split}/{name}", value);
                break;
        }
        return points;
    }
}
