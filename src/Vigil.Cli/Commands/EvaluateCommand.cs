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
        var model = new Option<string?>("--model", "-m") { Description = "Model file (model.vigil from 'vigil train')", HelpName = "FILE" };
        var repository = new Option<string?>("--repository")
        {
            Description = "Instead of --model: a multi-organ repository (vigil repository init). Reports routing accuracy and the routing confusion " +
                          "matrix, then AUROC per route and overall against a generalist on the same images", HelpName = "DIR",
        };
        var generalist = new Option<string?>("--generalist") { Description = "With --repository: the single model to compare against (default: the repository's fallback)", HelpName = "FILE" };
        var dataset = new Option<string[]>("--dataset", "-d")
        {
            Description = "Organized dataset folder; with --repository, repeat it to evaluate on several datasets together", Required = true, HelpName = "DIR",
            AllowMultipleArgumentsPerToken = false,
        };
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
            model, repository, generalist, dataset, split, scorer, device, threads, format,
        };
        command.SetAction(VigilApp.Guarded("evaluate", (parse, token) =>
        {
            var compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            var splitName = parse.GetValue(split)!.ToLowerInvariant();
            if (splitName is not ("train" or "val" or "test")) throw new UserInputException($"--split '{splitName}' is not a split; use train, val or test.");
            var folders = parse.GetValue(dataset)!;
            foreach (var f in folders)
                if (!Directory.Exists(f)) throw new UserInputException($"--dataset '{f}' is not a folder; see 'vigil datasets list'.");
            if ((parse.GetValue(model) is null) == (parse.GetValue(repository) is null))
                throw new UserInputException("give either --model FILE (one model) or --repository DIR (a multi-organ repository).");
            if (parse.GetValue(repository) is { } repo)
            {
                var evaluation = EvaluateRepository(repo, parse.GetValue(generalist), folders, splitName, compute.Device, token);
                if (parse.GetValue(format) == OutputFormat.Json) JsonOutput.Write(evaluation);
                else PrintRepository(evaluation);
                return Task.FromResult(ExitCodes.Ok);
            }
            if (parse.GetValue(generalist) is not null) throw new UserInputException("--generalist goes with --repository.");
            if (folders.Length != 1) throw new UserInputException("with --model, give one --dataset (several datasets are evaluated together with --repository).");
            var folder = folders[0];
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

    private static RepositoryEvaluation EvaluateRepository(string folder, string? generalistFile, string[] datasets, string split, TorchSharp.torch.Device device, CancellationToken token)
    {
        using var repository = ML.Inference.Routing.RoutedDetector.Load(folder, device);
        // The fallback is already loaded with the repository; only a --generalist file is loaded apart.
        using var given = generalistFile is null ? null : Detector.Load(generalistFile, device);
        Detector? generalist = given ?? repository.Fallback;
        var spec = DatasetSpec.Union(datasets.Select(d => DatasetSpec.FromFolder(d)).ToList());
        return RepositoryEvaluator.Evaluate(repository, generalist, generalist is null ? null : generalistFile ?? "the repository's fallback", spec, split, token);
    }

    private static void PrintRepository(RepositoryEvaluation e)
    {
        string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
        Console.WriteLine($"{e.Split}: {e.Images:N0} images — routing accuracy {F(e.RoutingAccuracy)}, unroutable {F(e.Unroutable)}");
        var matrix = new Table().AddColumn("true \\ routed");
        foreach (var c in e.Routes.Append(RepositoryEvaluator.UnroutableColumn)) matrix.AddColumn(Markup.Escape(c));
        for (int i = 0; i < e.Routes.Count; i++)
            matrix.AddRow([Markup.Escape(e.Routes[i]), .. e.RoutingMatrix[i].Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        AnsiConsole.Write(matrix);
        var table = new Table().AddColumns("route", "images", "anomalous", "AUROC repository", e.Generalist is null ? "AUROC generalist (none given)" : "AUROC generalist");
        foreach (var r in e.PerRoute.Append(e.Overall))
            table.AddRow(Markup.Escape(r.Route), r.Images.ToString("N0", CultureInfo.InvariantCulture), r.Anomalous.ToString("N0", CultureInfo.InvariantCulture), F(r.AurocRepository), F(r.AurocGeneralist));
        AnsiConsole.Write(table);
        if (e.Generalist is not null) Console.WriteLine($"Generalist: {e.Generalist}. Overall AUROC pools the scores of the repository's models.");
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
