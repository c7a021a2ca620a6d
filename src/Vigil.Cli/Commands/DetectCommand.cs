using System.CommandLine;
using System.Globalization;
using System.Text;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.Imaging;
using Vigil.Imaging.Png;
using Vigil.ML.Compute;
using Vigil.ML.Inference;
using Vigil.ML.Models.Hybrid;

namespace Vigil.Cli.Commands;

/// <summary>One row of <c>vigil detect</c>'s output.</summary>
public sealed record DetectRow(string Path, string? Image, bool? IsAnomaly, int? PredictedClass, string? PredictedClassName, double? Confidence,
    double? AnomalyScore, double? SupervisedScore, double? ReconstructionScore, string? Heatmap, string? Error, string? CriticalClass = null);

/// <summary><c>vigil detect</c>: anomaly decisions for images with a trained model.</summary>
public static class DetectCommand
{
    private const int BatchSize = 32;

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file (model.vigil from 'vigil train')", Required = true, HelpName = "FILE" };
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
            model, inputs, threshold, heatmap, device, threads, format,
        };
        command.SetAction(VigilApp.Guarded("detect", (parse, token) =>
        {
            var fmt = parse.GetValue(format)!.ToLowerInvariant();
            if (fmt is not ("text" or "json" or "csv")) throw new UserInputException($"--format '{fmt}' is not a format; use text, json or csv.");
            if (parse.GetValue(threshold) is { } t && t is < 0 or > 1) throw new UserInputException($"--threshold {t} is outside [0,1].");
            var compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            var loaded = DetectorLoader.Load(parse.GetValue(model)!, compute.Device);
            var files = ExpandInputs(parse.GetValue(inputs)!);
            var rows = Detect(loaded, files, parse.GetValue(threshold) ?? loaded.Parts.Threshold, parse.GetValue(heatmap), compute.Device, token);
            Write(rows, fmt);
            return Task.FromResult(rows.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>Runs the detector over files in batches.</summary>
    public static List<DetectRow> Detect(LoadedDetector loaded, IReadOnlyList<string> files, double threshold, string? heatmapFolder, TorchSharp.torch.Device device, CancellationToken token)
    {
        var registry = ImageReaderRegistry.CreateDefault();
        int size = loaded.Manifest.ImageSize, channels = loaded.Manifest.Channels;
        var detector = loaded.Detector;
        if (heatmapFolder is not null) Directory.CreateDirectory(heatmapFolder);
        var rows = new List<DetectRow>();
        var pending = new List<PreparedImage>();
        void Flush()
        {
            if (pending.Count == 0) return;
            using var scope = TorchSharp.torch.NewDisposeScope();
            var batch = ImageBatcher.ToTensor(pending, size, channels, device);
            var results = detector.DetectAnomaly(batch, threshold);
            for (int i = 0; i < pending.Count; i++)
            {
                var p = pending[i]; var r = results[i];
                string? heat = heatmapFolder is null || r.ErrorMap is null ? null : WriteHeatmap(heatmapFolder, p, r, size, channels);
                rows.Add(new DetectRow(p.Path, p.Key == "" ? null : p.Key, r.IsAnomaly, r.PredictedClass, r.PredictedClassName, r.Confidence,
                    r.AnomalyScore, r.SupervisedScore, r.ReconstructionScore, heat, null, r.CriticalClass));
            }
            pending.Clear();
        }
        foreach (var file in files)
        {
            token.ThrowIfCancellationRequested();
            foreach (var image in ImageBatcher.Prepare(registry, file, size, channels, token))
            {
                if (image.Error is not null)
                {
                    Flush(); // keep rows in input order
                    rows.Add(new DetectRow(image.Path, null, null, null, null, null, null, null, null, null, image.Error));
                    continue;
                }
                pending.Add(image);
                if (pending.Count == BatchSize) Flush();
            }
        }
        Flush();
        return rows;
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

    // Grey image with the error map in red on top: what a clinician looks at to see where the model saw something odd.
    private static string WriteHeatmap(string folder, PreparedImage image, DetectionResult result, int size, int channels)
    {
        var map = result.ErrorMap!;
        float max = Math.Max(1e-6f, map.Max());
        var rgb = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++)
        {
            int grey = channels == 1 ? image.Pixels![i] : (image.Pixels![i] + image.Pixels[size * size + i] + image.Pixels[2 * size * size + i]) / 3;
            double heat = Math.Clamp(map[Math.Min(map.Length - 1, i)] / max, 0, 1);
            rgb[i * 3] = (byte)Math.Clamp(grey * (1 - heat) + 255 * heat, 0, 255);
            rgb[i * 3 + 1] = (byte)(grey * (1 - heat));
            rgb[i * 3 + 2] = (byte)(grey * (1 - heat));
        }
        var name = Path.GetFileNameWithoutExtension(image.Path) + (image.Key == "" ? "" : "_" + image.Key) + "_heatmap.png";
        var path = Path.Combine(folder, name);
        PngEncoder.Save(new ImageFrame(size, size, 3, 8, rgb), path);
        return path;
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

    private static string Csv(string? s) => s is null ? "" : s.Contains(',') || s.Contains('"') || s.Contains('\n') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
