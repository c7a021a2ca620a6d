using System.CommandLine;
using Spectre.Console;
using Vigil.Cli.Infrastructure;
using Vigil.Datasets;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil demo</c>: the main job end to end on built-in synthetic data — generate sample images, organize them,
/// train all phases with the monitoring server live, and detect on held-out images. <c>--simulate</c> plays a large
/// clinical run (the RETFound profile) through the monitor instead, with no training.
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var workspace = new Option<string>("--workspace", "-w")
        {
            Description = "Folder for the demo's files: sample/ (generated images) and datasets/ (the organized dataset)",
            DefaultValueFactory = _ => "demo",
            HelpName = "DIR",
        };
        var perOrgan = SampleCommand.PerOrganOption();
        var seed = new Option<int>("--seed") { Description = "Seed for the images and the split", DefaultValueFactory = _ => 42, HelpName = "N" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the classifier (0 = organize only); with --simulate, the simulated run's (18: B0 from scratch reaches a test AUROC of about 0.97 and the whole demo takes about 4 min on 2 CPU cores; fewer give a rougher detector)", DefaultValueFactory = _ => 18, HelpName = "N" };
        var vaeEpochs = new Option<int?>("--vae-epochs") { Description = "Epochs of the VAE (default: 6, or --epochs when that is fewer)", HelpName = "N" };
        var model = new Option<string>("--model") { Description = "EfficientNet variant of the classifier", DefaultValueFactory = _ => "b0", HelpName = "b0|tiny|…" };
        var imageSize = new Option<int>("--image-size") { Description = "Training image size", DefaultValueFactory = _ => 64, HelpName = "S" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var format = CommonOptions.Format();
        var port = new Option<int?>("--port") { Description = "Port of the monitoring server (default: MONITORING_PORT, else 8000; a busy default is replaced by a free port; 0 picks a free one)", HelpName = "P" };
        var noMonitor = new Option<bool>("--no-monitor") { Description = "Do not start the monitoring server" };
        var simulate = new Option<bool>("--simulate") { Description = "Train nothing: play a simulated clinical run (the RETFound profile: 211,952 fundus and OCT images, 28 classes, critical RAO/RVO/retinal detachment) through the live monitor" };
        var profile = new Option<string?>("--profile") { Description = "With --simulate: a profile JSON file instead of the built-in RETFound one (docs/monitoring-api.md)", HelpName = "FILE" };
        var epochSeconds = new Option<double>("--epoch-seconds") { Description = "With --simulate: wall-clock seconds per simulated epoch", DefaultValueFactory = _ => 20, HelpName = "S" };
        var command = new Command("demo",
            "Run Vigil end to end on built-in SYNTHETIC data: generate brain MRI-like and chest X-ray-like images " +
            "(vigil sample), organize them into a dataset (vigil organize), train the classifier, the VAE and the hybrid detector briefly " +
            "(vigil train --phase all) with the monitoring server live (its URL is printed; the run store is WORKSPACE/monitoring.db and its logs " +
            "WORKSPACE/*.log unless MONITORING_DB_PATH or MONITORING_LOG_DIR say otherwise) and show detections on held-out test images (vigil detect). In a terminal the server stays up " +
            "after the run until Ctrl-C. --simulate plays a simulated clinical run through the monitor instead (--epochs: its epochs, default the profile's).")
        {
            workspace, perOrgan, seed, epochs, vaeEpochs, model, imageSize, device, threads, format, port, noMonitor, simulate, profile, epochSeconds,
        };
        command.SetAction(VigilApp.Guarded("demo", async (parse, token) =>
        {
            var root = parse.GetValue(workspace)!;
            bool json = parse.GetValue(format) == OutputFormat.Json;
            var sampleFolder = Path.Combine(root, "sample");
            int epochCount = parse.GetValue(epochs);
            if (epochCount < 0) throw new Core.UserInputException("--epochs must be 0 or more.");
            int vaeEpochCount = parse.GetValue(vaeEpochs) ?? Math.Min(epochCount, DefaultVaeEpochs);
            if (vaeEpochCount < 1 && epochCount > 0) throw new Core.UserInputException("--vae-epochs must be 1 or more: the demo trains the VAE after the classifier.");
            var monitoring = parse.GetValue(noMonitor) ? null : DemoMonitoring.Options(root, parse.GetValue(port));
            if (parse.GetValue(simulate))
            {
                if (monitoring is null) throw new Core.UserInputException("--simulate shows a run in the monitor; drop --no-monitor.");
                int? simulatedEpochs = parse.GetResult(epochs) is { Implicit: false } ? epochCount : null;
                return await DemoSimulation.RunAsync(monitoring, DemoMonitoring.AnyPortIfBusy(parse.GetValue(port)), parse.GetValue(profile), simulatedEpochs, parse.GetValue(epochSeconds), parse.GetValue(seed), token);
            }
            if (parse.GetResult(profile) is { Implicit: false } || parse.GetResult(epochSeconds) is { Implicit: false })
                throw new Core.UserInputException("--profile and --epoch-seconds go with --simulate.");
            int steps = epochCount > 0 ? 4 : 2;
            var compute = ML.Compute.ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            if (!json) Console.WriteLine($"Step 1/{steps} — generating synthetic sample images");
            var sample = SampleCommand.Generate(sampleFolder, parse.GetValue(perOrgan), parse.GetValue(seed), 128, json: false, token);
            if (!json) Console.WriteLine($"\nStep 2/{steps} — organizing them into a training-ready dataset");
            var result = await OrganizeCommand.OrganizeAsync(new OrganizeOptions
            {
                Sources = [sample.ManifestPath],
                Name = "synthetic_brain_chest",
                OutputRoot = Path.Combine(root, "datasets"),
                Seed = parse.GetValue(seed),
            }, quiet: false, token);
            if (json && epochCount == 0) { JsonOutput.Write(OrganizeSummary.ToJson(result)); return ExitCodes.Ok; }
            if (!json) OrganizeSummary.Print(result);
            if (epochCount == 0) return ExitCodes.Ok;

            if (!json) Console.WriteLine($"\nStep 3/{steps} — training the detector (classifier {epochCount} epochs, VAE {vaeEpochCount}; progress on stderr)");
            // A folder (and so a run id in the monitoring store) per demo: a second demo is a second run on the dashboard,
            // not points written over the first one's.
            var runFolder = Path.Combine(root, "runs", $"demo-{DateTime.Now:yyyyMMdd-HHmmss}");
            var request = new ML.Runs.TrainRequest
            {
                Dataset = ML.Data.DatasetSpec.FromFolder(result.DatasetPath), Phase = ML.Runs.PhaseSelection.All, Output = runFolder,
                EpochsSupervised = epochCount, EpochsUnsupervised = vaeEpochCount, ImageSize = parse.GetValue(imageSize),
                Variant = ML.Models.EfficientNet.EfficientNetScaling.FromName(parse.GetValue(model)!), Seed = parse.GetValue(seed), Compute = compute,
                // What lets B0 from scratch learn these 1,145 labeled images in a few minutes on a CPU (docs/benchmarks.md,
                // "The demo"): twice the steps of batch 64, a higher peak rate, and crops only (the phantoms are upright and
                // centred); the ensemble weights are fitted on validation rather than preset, so a weak part weighs little.
                BatchSize = DemoBatchSize, LearningRate = DemoLearningRate, Augmentation = ML.Data.AugmentOptions.Light, FitWeights = true,
                // The VAE part stays normal-only, so its figure says how the detector fares on anomalies nobody labeled.
                AnomalyHeadUsesLabels = false,
            };
            var control = new Core.Runs.TrainingControl();
            // Hemorrhage is the demo's must-not-miss class: the dashboard watches its validation sensitivity and alerts
            // under 0.95, as a team sets MONITORING_CRITICAL_THRESHOLDS for its own classes (a value set there wins).
            var watched = new Dictionary<string, double>();
            if (monitoring is not null && !monitoring.CriticalThresholds.ContainsKey(CriticalClass)) watched[CriticalClass] = CriticalSensitivity;
            TrainingMonitor? live = monitoring is null ? null
                : await TrainingMonitor.StartEmbeddedAsync(monitoring, TrainCommand.RunId(runFolder), control, watched, anyPortIfBusy: DemoMonitoring.AnyPortIfBusy(parse.GetValue(port)), token);
            await using var liveScope = live;
            if (live is not null)
            {
                Console.WriteLine($"Monitor: {live.Url}  (REST {live.Url}api/status, WebSocket {live.Url.ToString().Replace("http", "ws", StringComparison.Ordinal)}ws, store {Monitoring.Storage.MetricStores.Describe(monitoring!.DbPath)})");
                var critical = monitoring.CriticalThresholds.Concat(watched).OrderBy(t => t.Key, StringComparer.Ordinal);
                Console.WriteLine($"Critical classes watched live: {string.Join(", ", critical.Select(t => $"{t.Key} (sensitivity ≥ {t.Value:0.00})"))}");
            }
            var trained = TrainCommand.Run(request, token, control, live?.Observer);
            if (trained.Stopped) { TrainSummary.Print(trained); return ExitCodes.Interrupted; }
            if (!json) { TrainSummary.Print(trained); Console.WriteLine($"\nStep 4/{steps} — detecting anomalies in held-out test images"); }
            using var detector = ML.Inference.Detector.Load(trained.ModelPath!, compute.Device);
            var examples = HeldOutExamples(result.DatasetPath, 2);
            var rows = detector.Detect(examples.Select(e => e.Path).ToList(), new ML.Inference.DetectOptions { OverlayFolder = Path.Combine(root, "heatmaps") }, token)
                .Select(ML.Inference.DetectRow.From).ToList();
            if (json)
            {
                JsonOutput.Write(new { dataset = OrganizeSummary.ToJson(result), model_path = trained.ModelPath, test = trained.Test, detections = rows });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("image").AddColumn("true label")
                .AddColumn("verdict").AddColumn(new TableColumn("score").RightAligned()).AddColumn("predicted class").AddColumn("right?");
            int wrong = 0;
            for (int i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                var check = DemoVerdict.Judge(examples[i].Label, detector.Parts.NormalClass, r.IsAnomaly, r.PredictedClassName);
                if (!check.Right) wrong++;
                table.AddRow(Spectre.Console.Markup.Escape(Path.GetFileName(r.Path)), Spectre.Console.Markup.Escape(examples[i].Label),
                    r.IsAnomaly == true ? "[red]ANOMALY[/]" : "[green]normal[/]", $"{r.AnomalyScore:F3}",
                    Spectre.Console.Markup.Escape($"{r.PredictedClassName} ({r.Confidence:F2})"),
                    check.Right ? "[green]yes[/]" : $"[red]{Spectre.Console.Markup.Escape(check.Text)}[/]");
            }
            Spectre.Console.AnsiConsole.Console.Write(table);
            Console.WriteLine(wrong == 0
                ? $"All {rows.Count} verdicts and classes above are right."
                : $"{wrong} of {rows.Count} rows above are WRONG (see the last column).");
            if (trained.Test is { } test)
            {
                static string F(double? v) => v is { } x ? x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
                Console.WriteLine($"Test AUROC on all {test.Images:N0} test images: hybrid {F(test.Auroc)}; " +
                    $"unknown anomalies (the VAE alone, trained on normal images only) {F(test.ComponentAuroc.GetValueOrDefault("reconstruction"))}; " +
                    $"classifier alone {F(test.ComponentAuroc.GetValueOrDefault("supervised"))}");
            }
            Console.WriteLine($"Threshold {detector.Threshold:F3} ({detector.ThresholdMethod}); error-map overlays in {Path.Combine(root, "heatmaps")}");
            Console.WriteLine($"Next: ./vigil detect --model {trained.ModelPath} IMAGE...   ./vigil evaluate --model {trained.ModelPath} --dataset {result.DatasetPath}");
            if (live is not null) await DemoMonitoring.HoldAsync(live.Url, token);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private const int DemoBatchSize = 32, DefaultVaeEpochs = 6;
    private const double DemoLearningRate = 3e-3;
    private const string CriticalClass = "hemorrhage";
    private const double CriticalSensitivity = 0.95;

    // A few test-split images per class: held out from training, so the detections shown are honest.
    // Read through the training pipeline's split reader, which also handles quoted labels and relative paths.
    private static List<(string Path, string Label)> HeldOutExamples(string dataset, int perClass) =>
        ML.Data.DatasetSpec.FromFolder(dataset).Split("test").Rows
            .Where(r => r.Label is not null)
            .GroupBy(r => r.Label!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Take(perClass).Select(r => (r.Path, g.Key)))
            .ToList();
}
