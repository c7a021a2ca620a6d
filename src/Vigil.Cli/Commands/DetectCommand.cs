using System.CommandLine;
using System.Globalization;
using System.Text;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Inference;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil detect</c>: anomaly decisions for images with a trained model.</summary>
public static class DetectCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model file (model.vigil from 'vigil train')", HelpName = "FILE" };
        var repository = new Option<string?>("--repository") { Description = "Instead of --model: a multi-organ repository (vigil repository init); each image goes to the model of its route, unroutable images are listed apart", HelpName = "DIR" };
        var inputs = new Argument<string[]>("INPUT") { Description = "Image files or folders (searched recursively), any supported format", Arity = ArgumentArity.OneOrMore };
        var threshold = new Option<double?>("--threshold") { Description = "Anomaly threshold in [0,1] (default: the one chosen at training, stored in the model)", HelpName = "T" };
        var heatmap = new Option<string?>("--heatmap") { Description = "Write PNG overlays of the reconstruction-error map into this folder", HelpName = "DIR" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var format = new Option<string>("--format") { Description = "Output: text, json (one document) or csv", DefaultValueFactory = _ => "text", HelpName = "text|json|csv" };
        var command = new Command("detect",
            "Detect anomalies in images with a trained model: per image is_anomaly, predicted class, confidence, anomaly score and its supervised and " +
            "reconstruction parts. Unreadable inputs become error rows; the exit code is 0 when every input was read.")
        {
            model, repository, inputs, threshold, heatmap, device, threads, format,
        };
        command.SetAction(VigilApp.Guarded("detect", (parse, token) =>
        {
            var fmt = parse.GetValue(format)!.ToLowerInvariant();
            if (fmt is not ("text" or "json" or "csv")) throw new UserInputException($"--format '{fmt}' is not a format; use text, json or csv.");
            if (parse.GetValue(threshold) is { } t && t is < 0 or > 1) throw new UserInputException($"--threshold {t} is outside [0,1].");
            if ((parse.GetValue(model) is null) == (parse.GetValue(repository) is null))
                throw new UserInputException("give either --model FILE (one model) or --repository DIR (a multi-organ repository).");
            var compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            var options = new DetectOptions { Threshold = parse.GetValue(threshold), OverlayFolder = parse.GetValue(heatmap) };
            // The model first: a wrong model path is the likelier mistake, and it is said before the inputs are searched.
            if (parse.GetValue(repository) is { } dir)
            {
                using var routed = ML.Inference.Routing.RoutedDetector.Load(dir, compute.Device);
                var files = ExpandInputs(parse.GetValue(inputs)!);
                var routedRows = routed.DetectOutcomes(files.Select(DetectorInput.File).ToList(), options, token).Select(ML.Inference.Routing.RoutedDetectRow.From).ToList();
                WriteRouted(routedRows, fmt);
                return Task.FromResult(routedRows.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Ok);
            }
            using var detector = Detector.Load(parse.GetValue(model)!, compute.Device);
            var outcomes = detector.Detect(ExpandInputs(parse.GetValue(inputs)!), options, token);
            var rows = outcomes.Select(DetectRow.From).ToList();
            Write(rows, fmt);
            return Task.FromResult(rows.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Ok);
        }));
        return command;
    }

    private static List<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var registry = ImageReaderRegistry.CreateDefault();
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (File.Exists(input)) files.Add(input);
            else if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && (registry.HasKnownExtension(f) || Path.GetExtension(f) == ""))
                    .Order(StringComparer.Ordinal));
            // An unknown option lands here as an input: say so, and how the images are given.
            else if (input.StartsWith('-')) throw new UserInputException($"unknown option '{input}': images and folders are given as arguments, e.g. vigil detect scan.png folder/ --model model.vigil");
            else throw new UserInputException($"input '{input}' does not exist.");
        }
        if (files.Count == 0) throw new UserInputException("no image files among the inputs.");
        return files;
    }

    private static void Write(List<DetectRow> rows, string format)
    {
        if (format == "json") { JsonOutput.Write(rows); return; }
        string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "";
        if (format == "csv")
        {
            var sb = new StringBuilder("path,image,is_anomaly,predicted_class,predicted_class_name,confidence,anomaly_score,supervised_score,reconstruction_score,heatmap,error,critical_class\n");
            foreach (var r in rows)
                sb.Append(string.Join(',', Csv(r.Path), Csv(r.Image), r.IsAnomaly is { } a ? (a ? "true" : "false") : "", r.PredictedClass?.ToString(CultureInfo.InvariantCulture) ?? "",
                    Csv(r.PredictedClassName), F(r.Confidence), F(r.AnomalyScore), F(r.SupervisedScore), F(r.ReconstructionScore), Csv(r.Heatmap), Csv(r.Error), Csv(r.CriticalClass))).Append('\n');
            Console.Write(sb.ToString());
            return;
        }
        foreach (var r in rows)
        {
            var name = r.Image is null ? r.Path : $"{r.Path} [{r.Image}]";
            if (r.Error is not null) { Console.WriteLine($"ERROR    {name}: {r.Error}"); continue; }
            var verdict = r.IsAnomaly == true ? "ANOMALY" : "normal ";
            var cls = r.PredictedClassName is null ? "" : $" class {r.PredictedClassName} ({F(r.Confidence)})";
            var critical = r.CriticalClass is null ? "" : $" — flagged by the critical-class rule for {r.CriticalClass}";
            Console.WriteLine($"{verdict}  {name}: score {F(r.AnomalyScore)}{cls}{critical}");
        }
    }

    // Routed rows first, then the images the router sent nowhere, apart and with the reason.
    private static void WriteRouted(List<ML.Inference.Routing.RoutedDetectRow> rows, string format)
    {
        var (routed, unroutable) = ML.Inference.Routing.RoutedDetectRow.Split(rows);
        if (format == "json") { JsonOutput.Write(new { routed, unroutable }); return; }
        string F(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "";
        if (format == "csv")
        {
            var sb = new StringBuilder("path,image,route,route_confidence,model,is_anomaly,predicted_class,predicted_class_name,confidence,anomaly_score,supervised_score,reconstruction_score,heatmap,critical_class,unroutable,error\n");
            foreach (var r in routed.Concat(unroutable))
                sb.Append(string.Join(',', Csv(r.Path), Csv(r.Image), Csv(r.Route), F(r.RouteConfidence), Csv(r.Model), r.IsAnomaly is { } a ? (a ? "true" : "false") : "",
                    r.PredictedClass?.ToString(CultureInfo.InvariantCulture) ?? "", Csv(r.PredictedClassName), F(r.Confidence), F(r.AnomalyScore), F(r.SupervisedScore),
                    F(r.ReconstructionScore), Csv(r.Heatmap), Csv(r.CriticalClass), Csv(r.Unroutable), Csv(r.Error))).Append('\n');
            Console.Write(sb.ToString());
            return;
        }
        foreach (var r in routed)
        {
            var name = r.Image is null ? r.Path : $"{r.Path} [{r.Image}]";
            if (r.Error is not null) { Console.WriteLine($"ERROR    {name}: {r.Error}"); continue; }
            var verdict = r.IsAnomaly == true ? "ANOMALY" : "normal ";
            var cls = r.PredictedClassName is null ? "" : $" class {r.PredictedClassName} ({F(r.Confidence)})";
            var fallback = r.Model == "fallback" ? ", fallback model" : "";
            Console.WriteLine($"{verdict}  {name}: route {r.Route} ({F(r.RouteConfidence)}{fallback}), score {F(r.AnomalyScore)}{cls}");
        }
        if (unroutable.Count == 0) return;
        Console.WriteLine($"Unroutable ({unroutable.Count}): no model judged these images.");
        foreach (var r in unroutable) Console.WriteLine($"  {(r.Image is null ? r.Path : $"{r.Path} [{r.Image}]")}: {r.Unroutable}");
    }

    private static string Csv(string? s) => s is null ? "" : s.Contains(',') || s.Contains('"') || s.Contains('\n') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
