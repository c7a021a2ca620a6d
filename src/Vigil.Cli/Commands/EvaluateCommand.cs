using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Vae;
using Vigil.ML.Runs;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil evaluate</c>: metrics of a trained model on a split of an organized dataset.</summary>
public static class EvaluateCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file (model.vigil from 'vigil train')", Required = true, HelpName = "FILE" };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Organized dataset folder", Required = true, HelpName = "DIR" };
        var split = new Option<string>("--split") { Description = "Split to evaluate: train, val or test", DefaultValueFactory = _ => "test", HelpName = "train|val|test" };
        var scorer = new Option<string?>("--scorer")
        {
            Description = "Score the VAE part by this kind instead of the one the model file records (" + VaeScoreNames.All + "); the threshold and " +
                          "calibration stay the file's, so compare kinds by AUROC/AUPR. Every kind's AUROC is listed either way",
            HelpName = "NAME",
        };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var format = CommonOptions.Format();
        var command = new Command("evaluate",
            "Evaluate a trained model on a dataset split: anomaly AUROC/AUPR, F1, detection and false-alarm rates at the model's threshold, TPR at " +
            "FPR 1/5/10 %, AUROC on known vs unknown anomaly classes, and the classifier's accuracy, per-class metrics and confusion matrix.")
        {
            model, dataset, split, scorer, device, threads, format,
        };
        command.SetAction(VigilApp.Guarded("evaluate", (parse, token) =>
        {
            var compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            var splitName = parse.GetValue(split)!.ToLowerInvariant();
            if (splitName is not ("train" or "val" or "test")) throw new UserInputException($"--split '{splitName}' is not a split; use train, val or test.");
            var folder = parse.GetValue(dataset)!;
            if (!Directory.Exists(folder)) throw new UserInputException($"--dataset '{folder}' is not a folder; see 'vigil datasets list'.");
            using var detector = Detector.Load(parse.GetValue(model)!, compute.Device, parse.GetValue(scorer) is { } name ? VaeScoreNames.Parse(name, "--scorer") : null);
            var spec = DatasetSpec.FromFolder(folder, detector.Manifest.NormalClass);
            if (!spec.Splits.TryGetValue(splitName, out var source) || source.Rows.Count == 0)
                throw new UserInputException($"the dataset has no '{splitName}' split with images.");
            using var data = SplitCache.Load(source, new CacheOptions { ImageSize = detector.Manifest.ImageSize, Channels = detector.Manifest.Channels, ReadOptions = detector.ReadOptions, Folder = spec.CacheFolder }, null, token);
            var (report, _, _) = Evaluator.Evaluate(detector.Parts, data, spec.Classes, splitName, 64, compute.Device);
            report = report with { ScoreKindAuroc = Evaluator.ScoreKindAuroc(detector.Parts, data, spec.Classes, 64, compute.Device) };
            if (report.Images == 0) throw new UserInputException($"the '{splitName}' split has no labeled images to evaluate against.");
            if (parse.GetValue(format) == OutputFormat.Json) JsonOutput.Write(report);
            else Print(report);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>One line with the headline metrics of a report.</summary>
    public static string Headline(EvaluationReport r)
    {
        string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
        var tpr = r.TprAtFpr.Count > 0 ? " TPR@FPR " + string.Join(" ", r.TprAtFpr.Select(t => $"{t.TargetFpr:P0}:{F(t.Tpr)}")) : "";
        return $"{r.Split}: {r.Images:N0} images ({r.Normal:N0} normal, {r.Anomalous:N0} anomalous) — AUROC {F(r.Auroc)}, AUPR {F(r.Aupr)}, F1 {F(r.F1)}, " +
               $"detection {F(r.DetectionRate)}, false alarms {F(r.FalseAlarmRate)} at threshold {r.Threshold:F4} ({r.ThresholdMethod}); accuracy {F(r.Accuracy)}{tpr}";
    }

    private static void Print(EvaluationReport r)
    {
        Console.WriteLine(Headline(r));
        string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
        if (r.AurocKnown is not null || r.AurocUnknown is not null)
            Console.WriteLine($"  AUROC on known anomaly classes {F(r.AurocKnown)}, on unknown (never labeled) {F(r.AurocUnknown)}");
        if (r.ComponentAuroc.Count > 0)
            Console.WriteLine("  AUROC by part: " + string.Join(", ", r.ComponentAuroc.Select(kv => $"{kv.Key} {F(kv.Value)}")));
        if (r.ScoreKindAuroc.Count > 0)
            Console.WriteLine($"  VAE part by score (this model scores by {r.VaeScore}): " + string.Join(", ", r.ScoreKindAuroc.Select(kv => $"{kv.Key} {F(kv.Value)}")));
        if (r.PerClassDetection.Count > 0)
            Console.WriteLine("  detected per anomaly class: " + string.Join(", ", r.PerClassDetection.Select(kv => $"{kv.Key} {F(kv.Value)}")));
        foreach (var (name, c) in r.Critical)
            Console.WriteLine($"  critical {name}: sensitivity {F(c.Sensitivity)} on {c.Images:N0} images, required {F(c.Required)} — " +
                              (c.Met ? "met" : c.Images == 0 ? "no images of it in this split" : "NOT MET"));
        if (r.PerClass.Count == 0) return;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("class");
        foreach (var h in new[] { "precision", "recall", "specificity", "F1", "support" }) table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var c in r.PerClass)
            table.AddRow(Markup.Escape(c.Name), F(c.Precision), F(c.Recall), F(c.Specificity), F(c.F1), c.Support.ToString("N0", CultureInfo.InvariantCulture));
        AnsiConsole.Console.Write(table);
    }
}
