using System.Text.Json;
using TorchSharp;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Routing;
using Vigil.ML.Reporting;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>
/// <c>vigil train --phase router</c>: an EfficientNet classifier over routes (the region/modality pairs of the datasets'
/// CSVs) trained through the shared epoch loop as phase <c>router</c>, so it emits the same run events as any phase;
/// then a temperature fitted on validation (calibrated confidence), Mahalanobis statistics of its penultimate features
/// on the training images and a threshold at the <see cref="OodQuantile"/> quantile of a log-normal fitted to the
/// validation images' scores (the out-of-distribution test, <see cref="OodThreshold"/>); evaluated, packaged as model.vigil and reported like the other phases.
/// </summary>
internal static class RouterTraining
{
    /// <summary>Input size when neither --image-size nor anything else says: routes differ at a glance.</summary>
    public const int DefaultImageSize = 64;

    /// <summary>Epochs when --epochs is not given.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>Share of in-route images the OOD threshold keeps routable, under the log-normal fitted to validation.</summary>
    public const double OodQuantile = 0.995;

    // The standard normal's OodQuantile quantile.
    private const double OodZ = 2.575829;

    /// <summary>
    /// The OOD threshold: the <see cref="OodQuantile"/> quantile of a log-normal fitted to the validation images' scores
    /// (their log's mean and standard deviation). An empirical 99.5th percentile of a few hundred validation images is
    /// their second-largest score, and moved with each one: on the benchmark's phantoms it sat at 45.6 with held-out
    /// organ images up to 49.5 (1.1 % wrongly refused), while Fashion-MNIST started at 82.5. Squared Mahalanobis
    /// distances are skewed to the right; their log is close to normal.
    /// </summary>
    public static double OodThreshold(IReadOnlyList<double> validationScores)
    {
        ArgumentNullException.ThrowIfNull(validationScores);
        if (validationScores.Count < 2) throw new ArgumentException("the OOD threshold needs at least two validation images", nameof(validationScores));
        double[] logs = validationScores.Select(d => Math.Log(Math.Max(d, 1e-12))).ToArray();
        return Math.Exp(Descriptive.Mean(logs) + OodZ * Descriptive.StandardDeviation(logs));
    }

    /// <summary>
    /// Stages whose statistics the OOD score reads: the stem and the first two block stages. On the phantoms with
    /// Fashion-MNIST and noise as strangers, these flagged 98 % and 100 % of them with no held-out organ image flagged;
    /// every stage together, 41 % and 3 % (docs/training-internals.md).
    /// </summary>
    public const int OodStages = 3;

    /// <summary>Calibrated confidence below which an in-distribution image is still unroutable.</summary>
    public const double MinConfidence = 0.5;

    public static TrainResult Train(RunContext ctx)
    {
        var (spec, routes) = RouteLabels.Of(ctx.Request.Dataset, ctx.Log);
        // The routes are the classes from here on: events, checkpoints and the package name them.
        var request = ctx.Request = ctx.Request with { Dataset = spec, SemiSupervised = null, SemiSupervisedAuto = false, CriticalSensitivity = new Dictionary<string, double>() };
        ctx.Log($"router: {routes.Count} routes: {string.Join(", ", routes.Select(r => $"{r.Name} ({r.TrainImages:N0} training images)"))}");
        torch.random.manual_seed(request.Seed);
        int size = request.ImageSize!.Value, channels = request.Channels!.Value, batch = request.BatchSize!.Value;
        var device = request.Compute.Device;
        var issues = new List<string>();
        var cacheOptions = new CacheOptions { ImageSize = size, Channels = channels, Folder = spec.CacheFolder };
        CachedSplit Load(string split)
        {
            ctx.Log($"preparing {split} split at {size}×{size}×{channels}");
            var data = SplitCache.Load(spec.Split(split), cacheOptions, null, ctx.Cancellation);
            issues.AddRange(data.Issues.Select(i => i.ToString()));
            return data;
        }
        if (!spec.Splits.ContainsKey("val"))
            throw new Core.UserInputException("the router needs validation images of its routes (to calibrate its confidence and set its OOD threshold); organize the datasets with a validation split.");
        using var train = Load("train");
        using var val = Load("val");
        using var test = spec.Splits.ContainsKey("test") ? Load("test") : null;

        var normalization = PhaseTraining.ChannelStatistics(train);
        using var model = ModelFactory.Classifier(request.Variant, channels, routes.Count, normalization, device);
        var outcome = PhaseTraining.TrainClassifier(ctx, model, train, val, request.EpochsSupervised ?? DefaultEpochs, TrainingPhase.Router);
        var history = outcome.History;
        if (outcome.Stopped)
        {
            RunReports.WriteHistory(Path.Combine(request.Output, "history.csv"), history);
            return new TrainResult(request.Output, null, true, null, null, history, issues);
        }

        // Calibration and the OOD statistics, from images seen without augmentation.
        var (valLogits, valFeatures) = ModelScoring.LogitsAndStatistics(model, val, All(val), OodStages, batch, device);
        var (_, trainFeatures) = ModelScoring.LogitsAndStatistics(model, train, All(train), OodStages, batch, device);
        var valTruth = val.Labels.Select(l => (int)l).ToArray();
        var temperature = TemperatureScaling.Fit(valLogits, valTruth);
        using var ood = MahalanobisDistance.Fit(trainFeatures, [.. train.Labels], routes.Count).to(device);
        trainFeatures.Dispose();
        var valOod = Distances(ood, valFeatures);
        valFeatures.Dispose();
        double threshold = OodThreshold(valOod);
        ctx.Log($"router: temperature {temperature.Temperature:F3} (validation NLL {TemperatureScaling.Nll(valLogits, valTruth, 1):F4} → " +
                $"{TemperatureScaling.Nll(valLogits, valTruth, temperature.Temperature):F4}); OOD threshold {threshold:F1} " +
                $"(Mahalanobis; {OodQuantile:P1} of in-route images below it under a log-normal fitted to validation, {valOod.Count(d => d <= threshold)} of {valOod.Length} validation images)");

        var config = new PackageRouter
        {
            Variant = request.Variant.Name, Routes = routes, FeatureDim = (int)ood.Features, OodStages = OodStages, Temperature = temperature.Temperature,
            OodScore = "mahalanobis", OodThreshold = threshold, OodQuantile = OodQuantile, MinConfidence = MinConfidence,
        };
        var reports = new List<RouterReport> { Evaluate("val", valLogits, valTruth, valOod, config) };
        if (test is not null)
        {
            var (testLogits, testFeatures) = ModelScoring.LogitsAndStatistics(model, test, All(test), OodStages, batch, device);
            reports.Add(Evaluate("test", testLogits, test.Labels.Select(l => (int)l).ToArray(), Distances(ood, testFeatures), config));
            testFeatures.Dispose();
        }
        foreach (var r in reports)
        {
            ctx.Log($"router: {r.Split}: routing accuracy {r.Accuracy:P2} of {r.Images:N0} images; {r.Unroutable:P2} flagged unroutable; ECE {r.EceUncalibrated:F3} → {r.Ece:F3}");
            ctx.Events.Publish(new EvaluationCompleted
            {
                Split = r.Split, Model = "router", Images = r.Images,
                Metrics = new Dictionary<string, double?>
                {
                    ["accuracy"] = r.Accuracy, ["unroutable"] = r.Unroutable, ["ood_flagged"] = r.OodFlagged, ["ece"] = r.Ece,
                    ["ece_uncalibrated"] = r.EceUncalibrated, ["temperature"] = temperature.Temperature, ["ood_threshold"] = threshold,
                },
            });
        }

        var modelPath = Path.Combine(request.Output, "model" + ModelPackage.Extension);
        RunPackager.PackageRouter(request, model, ood, normalization, config, history, modelPath);
        WriteOutputs(request.Output, history, reports, config);
        ctx.Events.Publish(new RunStatusChanged { Status = RunStatus.Completed, Message = $"router written to {modelPath}" });
        return new TrainResult(request.Output, modelPath, false, null, null, history, issues) { Routing = reports };
    }

    private static int[] All(CachedSplit data) => Enumerable.Range(0, data.Count).ToArray();

    private static double[] Distances(MahalanobisDistance ood, Tensor features)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return ood.forward(features.to(ood.get_buffer("means")!.device)).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
    }

    // What the package's router answers for these images: calibrated routes, then the OOD and confidence tests.
    private static RouterReport Evaluate(string split, double[][] logits, int[] truth, double[] ood, PackageRouter config)
    {
        var routes = config.Routes.Select(r => r.Name).ToArray();
        var scaling = new TemperatureScaling(config.Temperature);
        var calibrated = logits.Select(z => scaling.Probabilities(z)).ToArray();
        var raw = logits.Select(z => new TemperatureScaling(1).Probabilities(z)).ToArray();
        var report = ClassificationReport.FromProbabilities(calibrated, truth, routes);
        bool[] far = ood.Select(d => !(d <= config.OodThreshold)).ToArray();
        bool[] unsure = calibrated.Select(p => p.Max() < config.MinConfidence).ToArray();
        return new RouterReport
        {
            Split = split, Images = truth.Length, Accuracy = report.Accuracy, Routes = routes,
            ConfusionMatrix = report.ConfusionMatrix.ToRows(), PerRoute = report.PerClass,
            Ece = TemperatureScaling.ExpectedCalibrationError(calibrated, truth), EceUncalibrated = TemperatureScaling.ExpectedCalibrationError(raw, truth),
            OodFlagged = far.Average(f => f ? 1.0 : 0.0), Unroutable = far.Zip(unsure).Average(t => t.First || t.Second ? 1.0 : 0.0),
        };
    }

    private static void WriteOutputs(string folder, IReadOnlyList<HistoryRow> history, IReadOnlyList<RouterReport> reports, PackageRouter config)
    {
        RunReports.WriteHistory(Path.Combine(folder, "history.csv"), history);
        var metrics = new { routing = reports, router = config, history_epochs = history.Count };
        RunReports.AtomicText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, VigilJson.Options));
        var plots = RunReports.LossPlots(folder, history);
        var last = reports[^1];
        RunPlots.ConfusionMatrix(Path.Combine(plots, "confusion_matrix.png"), last.ConfusionMatrix, last.Routes, $"Routes ({last.Split})");
    }
}

/// <summary>How the router did on one split: the routing of its images (all of them in a route) and how many it refused.</summary>
public sealed record RouterReport
{
    /// <summary>The split: <c>val</c> or <c>test</c>.</summary>
    public required string Split { get; init; }
    /// <summary>Images evaluated.</summary>
    public required int Images { get; init; }
    /// <summary>Share routed to their own route (top-1, whether or not flagged unroutable).</summary>
    public required double Accuracy { get; init; }
    /// <summary>The routes, in the confusion matrix's order.</summary>
    public required IReadOnlyList<string> Routes { get; init; }
    /// <summary>Rows: true route; columns: predicted route.</summary>
    public required int[][] ConfusionMatrix { get; init; }
    /// <summary>Per-route precision, recall, F1 and support.</summary>
    public IReadOnlyList<Core.Metrics.ClassMetrics> PerRoute { get; init; } = [];
    /// <summary>Expected calibration error of the calibrated confidences.</summary>
    public required double Ece { get; init; }
    /// <summary>Expected calibration error before temperature scaling.</summary>
    public required double EceUncalibrated { get; init; }
    /// <summary>Share of these in-route images the OOD test flags (the false-alarm rate of the test).</summary>
    public required double OodFlagged { get; init; }
    /// <summary>Share of these in-route images answered unroutable, for either reason.</summary>
    public required double Unroutable { get; init; }
}
