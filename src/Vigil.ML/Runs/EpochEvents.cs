using Vigil.Core.Metrics;
using Vigil.Core.Runs;

namespace Vigil.ML.Runs;

/// <summary>Builds the metric parts of run events from Vigil.Core.Metrics reports.</summary>
internal static class EpochEvents
{
    /// <summary>An epoch event carrying accuracy, F1, per-class metrics and the confusion matrix of a report.</summary>
    public static EpochCompleted FromReport(ClassificationReport report) => new()
    {
        Epoch = 0, Epochs = 0, TrainLoss = 0, LearningRate = 0, ElapsedSeconds = 0,
        Accuracy = report.Accuracy,
        F1Macro = report.MacroAvg.F1,
        PerClass = PerClass(report),
        ConfusionMatrix = report.ConfusionMatrix.ToRows().Select(r => (IReadOnlyList<long>)r.Select(v => (long)v).ToArray()).ToArray(),
    };

    /// <summary>Per-class sensitivity/specificity/precision/F1/AUROC as event records.</summary>
    public static IReadOnlyList<Core.Runs.ClassMetrics> PerClass(ClassificationReport report) =>
        report.PerClass.Select(c => new Core.Runs.ClassMetrics
        {
            Class = c.Name, Sensitivity = Finite(c.Recall), Specificity = Finite(c.Specificity), Precision = Finite(c.Precision),
            F1 = Finite(c.F1), Support = c.Support,
            Auroc = report.RocAucOvr is { } ovr && c.Index < ovr.PerClass.Count ? Finite(ovr.PerClass[c.Index]) : null,
        }).ToArray();

    /// <summary>An epoch event with no classification metrics (the VAE).</summary>
    public static EpochCompleted Empty() => new() { Epoch = 0, Epochs = 0, TrainLoss = 0, LearningRate = 0, ElapsedSeconds = 0 };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
