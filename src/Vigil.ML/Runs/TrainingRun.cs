using TorchSharp;
using Vigil.Core.Runs;
using Vigil.Datasets.Manifest;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;
using Vigil.ML.Native;
using Vigil.ML.Training;

namespace Vigil.ML.Runs;

/// <summary>
/// <c>vigil train</c>: caches the splits, runs the requested phases (classifier, VAE, hybrid), evaluates, and writes
/// the run folder: model.vigil, metrics.json, history.csv, plots/*.png, events.jsonl and per-phase checkpoints.
/// </summary>
public static class TrainingRun
{
    /// <summary>Runs training. Observer failures never reach the trainer; Ctrl-C (the token) or the control stops at the next batch.</summary>
    public static TrainResult Run(TrainRequest request, IRunObserver observer, TrainingControl control, Action<string> log, CancellationToken cancellation)
    {
        ValidateOptions(request);
        TorchNative.EnsureLoaded();
        Directory.CreateDirectory(request.Output);
        // Held until the run ends: a second training into this folder is refused instead of mixing checkpoints.
        using var folderLock = RunFolderLock.Acquire(request.Output);
        var config = request.Dataset.Config;
        bool router = request.Phase == PhaseSelection.Router;
        // The router tells organs apart at a glance: a small input by default, whatever the detector's suggested size.
        int size = request.ImageSize ?? (router ? RouterTraining.DefaultImageSize : config?.ImageSize ?? 64);
        int channels = request.Channels ?? config?.Channels ?? 1;
        int batchSize = request.BatchSize ?? config?.BatchSize ?? 32;
        request = request with { ImageSize = size, Channels = channels, BatchSize = batchSize };
        using var jsonl = new JsonLinesRunObserver(request.Output);
        var publisher = new RunEventPublisher(FolderNames.Of(request.Output), new CompositeObserver(observer, jsonl));
        var ctx = new RunContext(request, publisher, control, log, cancellation);
        try
        {
            return router ? RouterTraining.Train(ctx) : Train(ctx, size, channels, batchSize);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Watchers (the monitor, events.jsonl) learn that the run ended and why, not just that events stopped.
            publisher.Publish(new RunStatusChanged { Status = RunStatus.Failed, Message = Core.DiskSpace.Describe(e) });
            throw;
        }
    }

    private static TrainResult Train(RunContext ctx, int size, int channels, int batchSize)
    {
        var request = ctx.Request;
        var publisher = ctx.Events;
        var log = ctx.Log;
        var cancellation = ctx.Cancellation;
        var config = request.Dataset.Config;
        torch.random.manual_seed(request.Seed);

        var issues = new List<string>();
        var cacheOptions = new CacheOptions { ImageSize = size, Channels = channels, Folder = request.Dataset.CacheFolder };
        CachedSplit Load(string split)
        {
            log($"preparing {split} split at {size}×{size}×{channels}");
            var data = SplitCache.Load(request.Dataset.Split(split), cacheOptions, null, cancellation);
            issues.AddRange(data.Issues.Select(i => i.ToString()));
            return data;
        }
        using var train = Load("train");
        using var val = Load("val");
        using var test = request.Dataset.Splits.ContainsKey("test") && request.Dataset.Split("test").Rows.Count > 0 ? Load("test") : null;

        bool wantSup = request.Phase is PhaseSelection.Supervised or PhaseSelection.All;
        bool wantVae = request.Phase is PhaseSelection.Unsupervised or PhaseSelection.All;
        var history = new List<HistoryRow>();
        EfficientNetModel? classifier = null;
        VaeModel? vae = null;
        var normalization = PhaseTraining.ChannelStatistics(train);
        var phases = new List<TrainingPhase>();
        int epochsSup = request.EpochsSupervised ?? config?.EpochsSupervised ?? 30;
        int epochsVae = request.EpochsUnsupervised ?? config?.EpochsUnsupervised ?? 50;

        var strategy = ChooseStrategy(ctx, train);
        request = ctx.Request = WithSemiSupervisedDecided(ctx, strategy, train);
        bool labeledTwoClasses = train.Labels.Where(l => l >= 0).Distinct().Count() >= 2;
        if (wantSup && !labeledTwoClasses)
        {
            if (request.Phase == PhaseSelection.Supervised)
                throw new Core.UserInputException("the train split has fewer than two labeled classes, so a classifier cannot be trained; use --phase unsupervised.");
            log("supervised: skipped (fewer than two labeled classes in train)");
            wantSup = false;
        }
        // Strategy B's confident unlabeled normals, chosen once the classifier exists (PseudoNormalsFor).
        int[]? pseudoNormals = null;
        bool pseudoChosen = false;
        int[]? PseudoNormalsOnce(bool beforeVae)
        {
            if (!pseudoChosen && classifier is not null) { pseudoNormals = PseudoNormalsFor(ctx, classifier, train, beforeVae); pseudoChosen = true; }
            return pseudoNormals;
        }
        // Each returns true when the run was stopped (Ctrl-C or the control) during its phase.
        bool TrainSupervised()
        {
            if (!wantSup && !(request.Phase == PhaseSelection.Hybrid && PhaseTraining.HasPhase(ctx, TrainingPhase.Supervised))) return false;
            classifier = ModelFactory.Classifier(request.Variant, channels, request.Dataset.Classes.Count, normalization, request.Compute.Device);
            phases.Add(TrainingPhase.Supervised);
            if (!wantSup)
            {
                PhaseTraining.RestorePhase(ctx, TrainingPhase.Supervised, classifier, PhaseTraining.Fingerprint(request, TrainingPhase.Supervised, "efficientnet-" + request.Variant.Name));
                return false;
            }
            var outcome = PhaseTraining.TrainClassifier(ctx, classifier, train, val, epochsSup);
            history.AddRange(outcome.History);
            return outcome.Stopped;
        }
        bool TrainUnsupervised()
        {
            if (!wantVae && !(request.Phase == PhaseSelection.Hybrid && PhaseTraining.HasPhase(ctx, TrainingPhase.Unsupervised))) return false;
            bool head = AnomalyHeadPhase.Wanted(request);
            vae = ModelFactory.Vae(channels, size, request.LatentDim, new VaeOptions().BaseWidth, request.Compute.Device, AnomalyHeadPhase.Score(request, head), head);
            phases.Add(TrainingPhase.Unsupervised);
            if (!wantVae)
            {
                PhaseTraining.RestorePhase(ctx, TrainingPhase.Unsupervised, vae, PhaseTraining.Fingerprint(request, TrainingPhase.Unsupervised, "vae"));
                return false;
            }
            var outcome = PhaseTraining.TrainVae(ctx, vae, train, val, epochsVae, PseudoNormalsOnce(beforeVae: true));
            history.AddRange(outcome.History);
            return outcome.Stopped;
        }
        // The order is the strategy's; a phase it leaves out still runs when --phase asks for it.
        foreach (var phase in strategy.PhaseOrder.Concat(["supervised", "unsupervised"]).Distinct())
        {
            bool stopped = phase switch
            {
                "supervised" => TrainSupervised(),
                "unsupervised" => TrainUnsupervised(),
                _ => false,
            };
            if (stopped) return Stopped(request, history, issues);
        }
        if (classifier is null && vae is null)
            throw new Core.UserInputException($"nothing to assemble in {request.Output}: train the supervised and/or unsupervised phase first (--phase all).");
        if (request.Phase is PhaseSelection.Hybrid or PhaseSelection.All) phases.Add(TrainingPhase.Hybrid);

        // Hybrid assembly: calibration on validation normals, weights, threshold — all stored in the package.
        if (vae is not null) PhaseTraining.FitLatentStatistics(ctx, vae, train, PseudoNormalsOnce(beforeVae: false));
        if (vae?.Head is not null && AnomalyHeadPhase.Fit(ctx, vae, train, val, epochsVae)) return Stopped(request, history, issues);
        if (vae is not null) VaeScoreChoice.Apply(ctx, vae, val, classifier, vae.Head is not null && AnomalyHeadPhase.ReadsLabels(request, train));
        var detector = HybridAssembly.Assemble(ctx, classifier, vae, val, strategy.SupervisedWeight, out var weights);
        var (valReport, valScores, valTruth) = Evaluator.Evaluate(detector, val, request.Dataset.Classes, "val", batchSize, request.Compute.Device);
        EvaluationReport? testReport = null;
        SplitScores? testScores = null; int[]? testTruth = null;
        if (test is not null) (testReport, testScores, testTruth) = Evaluator.Evaluate(detector, test, request.Dataset.Classes, "test", batchSize, request.Compute.Device);
        RunReports.PublishEvaluations(publisher, weights, valReport, testReport);

        var modelPath = Path.Combine(request.Output, "model" + ModelPackage.Extension);
        RunPackager.Package(request, detector, normalization, phases, history, modelPath);
        RunReports.WriteOutputs(request.Output, history, valReport, testReport, testScores ?? valScores, testTruth ?? valTruth, detector, strategy, weights);
        publisher.Publish(new RunStatusChanged { Status = RunStatus.Completed, Message = $"model written to {modelPath}" });
        return new TrainResult(request.Output, modelPath, false, testReport, valReport, history, issues);
    }

    /// <summary>
    /// The strategy for the labeled share of the training split actually given (organize's training_config.json was
    /// written for the whole dataset and may not match it), said in the log with its reason. The phase order is
    /// training_config.json's <c>phase_order</c> when that file suggests the same strategy, else the strategy's own.
    /// </summary>
    private static TrainingStrategy ChooseStrategy(RunContext ctx, CachedSplit train)
    {
        var labels = train.Labels;
        int labeled = labels.Count(l => l >= 0);
        var classes = labels.Where(l => l >= 0).Distinct().Order().Select(l => ctx.Request.Dataset.Classes[(int)l]).ToList();
        var strategy = TrainingStrategy.For(labeled, labels.Count, classes, "training images");
        var config = ctx.Request.Dataset.Config;
        static string Named(string kind, string ledBy) => kind != "hybrid" ? kind
            : "hybrid led by " + (ledBy switch { "balanced" => "both models", "supervised" => "the classifier", _ => "the VAE" });
        ctx.Log($"strategy: {Named(strategy.Strategy, strategy.LedBy)}. {strategy.Reason}");
        if (config is null) return strategy;
        if (config.Strategy == strategy.Strategy && config.LedBy == strategy.LedBy && config.PhaseOrder.Count > 0)
            return strategy with { PhaseOrder = config.PhaseOrder };
        ctx.Log($"strategy: training_config.json suggests {Named(config.Strategy, config.LedBy)} ({config.LabeledFraction * 100:0.#}% of all the dataset's images " +
                "are labeled, validation and test included); this run follows its training images.");
        return strategy;
    }

    // Strategy B ("< 20 % labeled"): the classifier learns from the unlabeled images too, unless the request chose.
    private static TrainRequest WithSemiSupervisedDecided(RunContext ctx, TrainingStrategy strategy, CachedSplit train)
    {
        var request = ctx.Request;
        if (!request.SemiSupervisedAuto || request.SemiSupervised is not null) return request;
        if (strategy is not { Strategy: "hybrid", LedBy: "unsupervised" } || !train.Labels.Any(l => l < 0)) return request;
        ctx.Log("strategy: with so few labels the classifier also learns from the unlabeled training images (FixMatch-style pseudo-labels; --semi-supervised off to learn from the labels alone)");
        return request with { SemiSupervised = new ConsistencyOptions() };
    }

    // Strategy B with pseudo-labels and a VAE that learns normality from the labeled normals: the unlabeled images the
    // classifier confidently calls normal (PseudoNormals) join them, in the VAE's training when the classifier was
    // trained first (strategy B's phase order), else in its latent statistics only; none otherwise.
    private static int[]? PseudoNormalsFor(RunContext ctx, EfficientNetModel classifier, CachedSplit train, bool beforeVae)
    {
        var request = ctx.Request;
        if (request.SemiSupervised is null || request.VaeData.Resolve(train.Split).Data != VaeData.Normal) return null;
        int normal = train.Split.NormalClass is { } name ? request.Dataset.Classes.ToList().IndexOf(name) : -1;
        double threshold = PhaseTraining.PseudoLabelThreshold(request);
        var chosen = PseudoNormals.Select(classifier, train, normal, threshold, request.BatchSize!.Value, request.Compute.Device, ctx.Cancellation);
        int unlabeled = train.Split.VaeRows(VaeData.Unlabeled).Count;
        ctx.Log($"unsupervised: {chosen.Length:N0} of the {unlabeled:N0} unlabeled training images are normal for the classifier (P ≥ {threshold:0.###}); " +
                (beforeVae ? "the VAE learns from them with the labeled normals" : "they join the labeled normals in the VAE's latent statistics (the VAE was trained before the classifier)"));
        return chosen;
    }

    private static TrainResult Stopped(TrainRequest request, List<HistoryRow> history, List<string> issues)
    {
        RunReports.WriteHistory(Path.Combine(request.Output, "history.csv"), history);
        return new TrainResult(request.Output, null, true, null, null, history, issues);
    }

    private static void ValidateOptions(TrainRequest request)
    {
        var spec = request.Dataset;
        foreach (var name in request.CriticalSensitivity.Keys)
        {
            if (!spec.Classes.Contains(name))
                throw new Core.UserInputException($"--critical class '{name}' is not one of the classes ({string.Join(", ", spec.Classes)}).");
            if (name == spec.NormalClass)
                throw new Core.UserInputException($"--critical class '{name}' is the normal class; critical classes are anomalies that must not be missed.");
        }
        if (request.CriticalSensitivity.Count > 0 && request.Phase == PhaseSelection.Unsupervised)
            throw new Core.UserInputException("--critical needs the classifier (it knows the classes); use --phase all or supervised.");
        if (request.TestTimeFlip && !request.AllowHorizontalFlip && request.Phase is PhaseSelection.Supervised or PhaseSelection.All)
            throw new Core.UserInputException("--tta hflip averages each image with its mirror, which only helps a classifier trained on mirrored images: add --hflip (if left and right may be swapped in these images) or drop --tta.");
    }
}
