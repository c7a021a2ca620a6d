using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.Core.Runs;
using Vigil.Datasets.Manifest;
using Vigil.ML.Inference;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Reporting;
using Vigil.ML.Persistence;

namespace Vigil.ML.Runs;

/// <summary>What a run leaves for people: evaluation events, metrics.json, history.csv and the plots.</summary>
internal static class RunReports
{
    /// <summary>Tells watchers the hybrid detector's figures on each evaluated split.</summary>
    public static void PublishEvaluations(RunEventPublisher publisher, HybridWeightChoice weights, params EvaluationReport?[] reports)
    {
        foreach (var r in reports.OfType<EvaluationReport>())
            publisher.Publish(new EvaluationCompleted
            {
                Split = r.Split, Model = "hybrid", Images = r.Images,
                Metrics = new Dictionary<string, double?>
                {
                    ["auroc"] = Finite(r.Auroc), ["aupr"] = Finite(r.Aupr), ["f1"] = Finite(r.F1), ["accuracy"] = r.Accuracy, ["threshold"] = r.Threshold,
                    ["auroc_supervised"] = r.ComponentAuroc.GetValueOrDefault("supervised"), ["auroc_reconstruction"] = r.ComponentAuroc.GetValueOrDefault("reconstruction"),
                    ["weight_supervised"] = weights.SupervisedWeight, ["weight_reconstruction"] = weights.ReconstructionWeight,
                },
            });
    }

    /// <summary>metrics.json, history.csv and plots/*.png in the run folder.</summary>
    public static void WriteOutputs(string folder, IReadOnlyList<HistoryRow> history, EvaluationReport val, EvaluationReport? test,
        SplitScores scores, int[] truth, DetectorParts detector, TrainingStrategy strategy, HybridWeightChoice weights)
    {
        WriteHistory(Path.Combine(folder, "history.csv"), history);
        var metrics = new
        {
            test, val, history_epochs = history.Count,
            strategy = new { strategy.Strategy, strategy.LedBy, strategy.PhaseOrder, strategy.Reason },
            hybrid_weights = new
            {
                supervised = weights.SupervisedWeight, unsupervised = weights.ReconstructionWeight, weights.Method,
                val_auroc = new { supervised = weights.SupervisedAuroc, reconstruction = weights.ReconstructionAuroc }, weights.Notes,
            },
        };
        AtomicText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, VigilJson.Options));

        var plots = LossPlots(folder, history);
        var report = test ?? val;
        bool ranked = truth.Distinct().Count() == 2;
        if (ranked)
        {
            var roc = RocCurve.Compute(scores.Combined, truth);
            RunPlots.Roc(Path.Combine(plots, "roc.png"), roc.Fpr, roc.Tpr, report.Auroc, $"ROC ({report.Split})");
            var pr = PrecisionRecallCurve.Compute(scores.Combined, truth);
            RunPlots.PrecisionRecall(Path.Combine(plots, "pr.png"), pr.Recall, pr.Precision, report.Aupr, $"Precision-recall ({report.Split})");
        }
        RunPlots.ScoreHistogram(Path.Combine(plots, "score_histogram.png"),
            scores.Combined.Where((_, i) => truth[i] == 0).ToArray(), scores.Combined.Where((_, i) => truth[i] == 1).ToArray(), detector.Threshold,
            $"Anomaly score ({report.Split})");
        if (report.ConfusionMatrix.Length > 0)
            RunPlots.ConfusionMatrix(Path.Combine(plots, "confusion_matrix.png"), report.ConfusionMatrix, detector.Classes, $"Confusion matrix ({report.Split})");
    }

    /// <summary>plots/loss_&lt;phase&gt;.png for each phase in <paramref name="history"/>; returns the plots folder.</summary>
    public static string LossPlots(string folder, IReadOnlyList<HistoryRow> history)
    {
        var plots = Path.Combine(folder, "plots");
        Directory.CreateDirectory(plots);
        foreach (var phase in history.Select(h => h.Phase).Distinct())
        {
            var rows = history.Where(h => h.Phase == phase).ToList();
            var x = rows.Select(r => (double)r.Epoch).ToArray();
            var series = new List<PlotSeries> { new("train", x, rows.Select(r => r.TrainLoss).ToArray()) };
            if (rows.All(r => r.ValLoss is not null)) series.Add(new PlotSeries("val", x, rows.Select(r => r.ValLoss!.Value).ToArray()));
            RunPlots.Lines(Path.Combine(plots, $"loss_{phase}.png"), $"{phase} loss", "epoch", "loss", series);
        }
        return plots;
    }

    /// <summary>history.csv: one row per epoch of every phase trained in this process.</summary>
    public static void WriteHistory(string path, IReadOnlyList<HistoryRow> history)
    {
        var sb = new StringBuilder("phase,epoch,train_loss,val_loss,monitor,monitor_value,learning_rate,images_per_second,seconds,is_best\n");
        string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var h in history)
            sb.Append($"{h.Phase},{h.Epoch},{F(h.TrainLoss)},{F(h.ValLoss)},{h.Monitor},{F(h.MonitorValue)},{F(h.LearningRate)},{F(h.ImagesPerSecond)},{F(h.Seconds)},{(h.IsBest ? 1 : 0)}\n");
        AtomicText(path, sb.ToString());
    }

    public static void AtomicText(string path, string text) =>
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
