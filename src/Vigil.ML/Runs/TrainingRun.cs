using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.Core.Runs;
using Vigil.Datasets.Manifest;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;
using Vigil.ML.Native;
using Vigil.ML.Reporting;
using Vigil.ML.Training;
using Vigil.ML.Persistence;
using Vigil.ML.Training.Checkpoints;
using static TorchSharp.torch;

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
        int size = request.ImageSize ?? config?.ImageSize ?? 64;
        int channels = request.Channels ?? config?.Channels ?? 1;
        int batchSize = request.BatchSize ?? config?.BatchSize ?? 32;
        request = request with { ImageSize = size, Channels = channels, BatchSize = batchSize };
        using var jsonl = new JsonLinesRunObserver(request.Output);
        var publisher = new RunEventPublisher(FolderNames.Of(request.Output), new CompositeObserver(observer, jsonl));
        var ctx = new RunContext(request, publisher, control, log, cancellation);
        try
        {
            return Train(ctx, size, channels, batchSize);
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
        var normalization = ChannelStatistics(train);
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
        // Each returns true when the run was stopped (Ctrl-C or the control) during its phase.
        bool TrainSupervised()
        {
            if (!wantSup && !(request.Phase == PhaseSelection.Hybrid && HasPhase(ctx, TrainingPhase.Supervised))) return false;
            classifier = ModelFactory.Classifier(request.Variant, channels, request.Dataset.Classes.Count, normalization, request.Compute.Device);
            phases.Add(TrainingPhase.Supervised);
            if (!wantSup)
            {
                RestorePhase(ctx, TrainingPhase.Supervised, classifier, Fingerprint(request, TrainingPhase.Supervised, "efficientnet-" + request.Variant.Name));
                return false;
            }
            var outcome = TrainClassifier(ctx, classifier, train, val, epochsSup);
            history.AddRange(outcome.History);
            return outcome.Stopped;
        }
        bool TrainUnsupervised()
        {
            if (!wantVae && !(request.Phase == PhaseSelection.Hybrid && HasPhase(ctx, TrainingPhase.Unsupervised))) return false;
            bool head = AnomalyHeadPhase.Wanted(request);
            vae = ModelFactory.Vae(channels, size, request.LatentDim, new VaeOptions().BaseWidth, request.Compute.Device, AnomalyHeadPhase.Score(request, head), head);
            phases.Add(TrainingPhase.Unsupervised);
            if (!wantVae)
            {
                RestorePhase(ctx, TrainingPhase.Unsupervised, vae, Fingerprint(request, TrainingPhase.Unsupervised, "vae"));
                return false;
            }
            var outcome = TrainVae(ctx, vae, train, val, epochsVae);
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
        if (vae is not null) FitLatentStatistics(ctx, vae, train);
        if (vae?.Head is not null && AnomalyHeadPhase.Fit(ctx, vae, train, val, epochsVae)) return Stopped(request, history, issues);
        if (vae is not null) VaeScoreChoice.Apply(ctx, vae, val);
        var detector = Assemble(ctx, classifier, vae, val, strategy.SupervisedWeight, out var weights);
        var (valReport, valScores, valTruth) = Evaluator.Evaluate(detector, val, request.Dataset.Classes, "val", batchSize, request.Compute.Device);
        EvaluationReport? testReport = null;
        SplitScores? testScores = null; int[]? testTruth = null;
        if (test is not null) (testReport, testScores, testTruth) = Evaluator.Evaluate(detector, test, request.Dataset.Classes, "test", batchSize, request.Compute.Device);
        foreach (var r in new[] { valReport, testReport }.OfType<EvaluationReport>())
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

        var modelPath = Path.Combine(request.Output, "model" + ModelPackage.Extension);
        Package(request, detector, normalization, phases, history, modelPath);
        WriteOutputs(request.Output, history, valReport, testReport, testScores ?? valScores, testTruth ?? valTruth, detector, strategy, weights);
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

    private static TrainResult Stopped(TrainRequest request, List<HistoryRow> history, List<string> issues)
    {
        WriteHistory(Path.Combine(request.Output, "history.csv"), history);
        return new TrainResult(request.Output, null, true, null, null, history, issues);
    }

    private static LoopOutcome TrainClassifier(RunContext ctx, EfficientNetModel model, CachedSplit train, CachedSplit val, int epochs)
    {
        var request = ctx.Request;
        if (request.InitWeights is { } weights)
        {
            var report = EfficientNetWeights.LoadSafetensors(model, weights);
            ctx.Log($"supervised: loaded {report.Loaded.Count} tensors from {weights} ({report.Naming} names; {report.Skipped.Count} skipped)");
        }
        var positions = Enumerable.Range(0, train.Count).Where(p => train.Labels[p] >= 0).ToArray();
        var counts = new long[request.Dataset.Classes.Count];
        foreach (var p in positions) counts[train.Labels[p]]++;
        var unlabeled = Unlabeled(ctx, train);
        int[] draws = positions;
        if (unlabeled is not null && positions.Length > 0)
        {
            // An epoch goes once through the unlabeled pool: with few labels that takes many steps, so each labeled
            // image is drawn several times per epoch (FixMatch counts its steps by the unlabeled data too).
            int perStep = positions.Length * request.SemiSupervised!.UnlabeledPerLabeled;
            int repeat = Math.Clamp((unlabeled.UnlabeledCount + perStep - 1) / perStep, 1, 64);
            if (repeat > 1)
            {
                draws = Enumerable.Repeat(positions, repeat).SelectMany(p => p).ToArray();
                ctx.Log($"supervised: each epoch draws the {positions.Length:N0} labeled images {repeat} times, to go once through the unlabeled ones");
            }
        }
        var loader = TrainingLoader(ctx, "supervised", "labeled", train, draws,
            LoaderOptions.Training(request.BatchSize!.Value, request.Seed, request.BalancedSampling, Augmentation(request)));
        using var trainer = new ClassifierTrainer(ctx, model, val, request.BalancedSampling ? null : ClassWeights.InverseFrequency(counts), unlabeled);
        long steps = (long)epochs * Batches(request, loader);
        var schedule = new CosineWarmupSchedule(request.LearningRate, Math.Min(steps / 10, Batches(request, loader)), steps);
        return EpochLoop.Run(ctx, trainer, loader, epochs, schedule, Fingerprint(request, TrainingPhase.Supervised, trainer.ModelKind), positions.Length, val.Count);
    }

    // The unlabeled images the classifier learns from under --semi-supervised, or null (off, or none to learn from).
    private static PseudoLabelConsistency? Unlabeled(RunContext ctx, CachedSplit train)
    {
        var request = ctx.Request;
        if (request.SemiSupervised is not { } options) return null;
        var positions = train.PositionsOf(train.Split.VaeRows(VaeData.Unlabeled));
        if (positions.Length == 0)
        {
            ctx.Log("supervised: --semi-supervised has no unlabeled training images to learn from; the classifier learns from the labels alone");
            return null;
        }
        ctx.Log($"supervised: also learning from {positions.Length:N0} unlabeled images (their confident predictions, ≥ {options.Threshold:0.##}, become targets for harder views of them)");
        return new PseudoLabelConsistency(train, positions, options, Augmentation(request) ?? AugmentOptions.Default, request.Seed, request.Compute.Device);
    }

    private static LoopOutcome TrainVae(RunContext ctx, VaeModel model, CachedSplit train, CachedSplit val, int epochs)
    {
        var request = ctx.Request;
        var (vaeData, why) = request.VaeData.Resolve(train.Split);
        if (why is not null) ctx.Log($"unsupervised: {why}");
        var positions = train.PositionsOf(train.Split.VaeRows(vaeData));
        if (positions.Length == 0)
            throw new Core.UserInputException($"no training images for the VAE with --vae-data {request.VaeData.ToText()} (it needs normal-class or unlabeled images); try --vae-data both.");
        var valFit = val.PositionsOf(val.Split.VaeRows(VaeData.Both));
        if (valFit.Length == 0) valFit = Enumerable.Range(0, val.Count).ToArray();
        var loader = TrainingLoader(ctx, "unsupervised", vaeData.ToText(), train, positions,
            LoaderOptions.Training(request.BatchSize!.Value, request.Seed + 1, false, VaeAugmentation(request)));
        long steps = (long)epochs * Batches(request, loader);
        using var trainer = new VaeTrainer(ctx, model, val, valFit, steps);
        var schedule = new CosineWarmupSchedule(request.VaeLearningRate, Math.Min(steps / 20, Batches(request, loader)), steps);
        return EpochLoop.Run(ctx, trainer, loader, epochs, schedule, Fingerprint(request, TrainingPhase.Unsupervised, "vae"), positions.Length, valFit.Length);
    }

    // Every selected image every epoch, in batches small enough for several steps per epoch (TrainingBatches).
    private static BatchLoader TrainingLoader(RunContext ctx, string phase, string what, CachedSplit train, int[] positions, LoaderOptions options)
    {
        var adapted = TrainingBatches.Options(options, positions.Length) with { Device = ctx.Request.Compute.Device };
        var loader = new BatchLoader(train, adapted, positions);
        string size = adapted.BatchSize == options.BatchSize ? "" : $" (batch size {options.BatchSize} adapted to {adapted.BatchSize}, so the images make several steps per epoch)";
        ctx.Log($"{phase}: {positions.Length:N0} {what} images, {loader.BatchesPerEpoch} batches of up to {adapted.BatchSize} per epoch{size}");
        return loader;
    }

    private static int Batches(TrainRequest request, BatchLoader loader) =>
        Math.Max(1, request.MaxBatchesPerEpoch is { } m ? Math.Min(m, loader.BatchesPerEpoch) : loader.BatchesPerEpoch);

    /// <summary>The VAE's (and its head's) augmentation: gentler than the classifier's, no erasing.</summary>
    internal static AugmentOptions? VaeAugmentation(TrainRequest request) =>
        Augmentation(request) is { } a ? a with { MaxRotationDegrees = 5, EraseProbability = 0 } : null;

    private static AugmentOptions? Augmentation(TrainRequest request) =>
        request.Augment ? request.Augmentation with { HorizontalFlip = request.AllowHorizontalFlip } : null;

    private static CheckpointFingerprint Fingerprint(TrainRequest request, TrainingPhase phase, string kind) => new()
    {
        Phase = phase, ModelKind = kind, Classes = request.Dataset.Classes, ImageSize = request.ImageSize!.Value, Channels = request.Channels!.Value,
    };

    private static bool HasPhase(RunContext ctx, TrainingPhase phase) =>
        File.Exists(new CheckpointStore(Path.Combine(ctx.Request.Output, phase.ToString().ToLowerInvariant())).BestPath);

    private static void RestorePhase(RunContext ctx, TrainingPhase phase, nn.Module model, CheckpointFingerprint fingerprint)
    {
        var store = new CheckpointStore(ctx.PhaseFolder(phase));
        var path = File.Exists(store.BestPath) ? store.BestPath : store.LastPath;
        Checkpoint.Restore(path, fingerprint, new CheckpointParts(new Dictionary<string, nn.Module> { [phase == TrainingPhase.Supervised ? "classifier" : "vae"] = model }) { IncludeTorchRng = false });
        ctx.Log($"{phase.ToString().ToLowerInvariant()}: using the trained weights in {path}");
    }

    // The VAE's latent statistics from the images it learned normality from, seen without augmentation.
    private static void FitLatentStatistics(RunContext ctx, VaeModel vae, CachedSplit train)
    {
        var positions = train.PositionsOf(train.Split.VaeRows(ctx.Request.VaeData));
        if (positions.Length < 2) return; // TrainVae refuses such data; a restored VAE then keeps its fallback score
        var loader = new BatchLoader(train, LoaderOptions.Evaluation(ctx.Request.BatchSize!.Value) with { Device = ctx.Request.Compute.Device }, positions);
        vae.FitLatentStatistics(loader.Images(ctx.Cancellation));
        ctx.Log($"unsupervised: latent statistics fitted on {Math.Min(positions.Length, VaeModel.MaxLatentFitImages):N0} training images; score {vae.EffectiveScore}");
    }

    // Fits the reconstruction calibration on validation normals, picks ensemble weights and the threshold.
    private static DetectorParts Assemble(RunContext ctx, EfficientNetModel? classifier, VaeModel? vae, CachedSplit val, double presetSupervised,
        out HybridWeightChoice choice)
    {
        var request = ctx.Request;
        var spec = request.Dataset;
        int normal = spec.NormalClassIndex;
        int batch = request.BatchSize!.Value;
        var device = request.Compute.Device;
        var all = Enumerable.Range(0, val.Count).ToArray();
        var draft = new DetectorParts(classifier, vae, spec.Classes, spec.NormalClass, new HybridScorer(1, 0, null), 0.5, "draft", TestTimeFlip: request.TestTimeFlip);
        var raw = SplitScores.Compute(draft, val, all, batch, device);

        RobustLogisticCalibration? calibration = null;
        if (raw.Errors is { } errors)
        {
            // Normals = validation images of the normal class, else the unlabeled ones (what the VAE learned as normal).
            var normalErrors = all.Where(i => normal >= 0 ? val.Labels[i] == normal : val.Labels[i] < 0).Select(i => errors[i]).ToArray();
            if (normalErrors.Length < 2) normalErrors = errors;
            calibration = RobustLogisticCalibration.Fit(normalErrors);
        }
        var labeled = all.Where(i => val.Labels[i] >= 0 && normal >= 0).ToArray();
        var truth = labeled.Select(i => val.Labels[i] == normal ? 0 : 1).ToArray();
        bool canRank = truth.Distinct().Count() == 2;

        // Each part's validation AUROC decides its weight: one near chance or inverted is dropped, not kept at a preset.
        var supervised = raw.Supervised is { } sup ? labeled.Select(i => sup[i]).ToArray() : null;
        var reconstruction = raw.Errors is { } err && calibration is not null ? labeled.Select(i => calibration.Map(err[i])).ToArray() : null;
        choice = HybridWeightChoice.Decide(supervised, reconstruction, truth.Select(t => t == 1).ToArray(), presetSupervised, request.FitWeights);
        if (choice.SupervisedAuroc is not null || choice.ReconstructionAuroc is not null)
            ctx.Log($"hybrid: validation AUROC classifier {Describe(choice.SupervisedAuroc)}, VAE {Describe(choice.ReconstructionAuroc)}");
        foreach (var note in choice.Notes) ctx.Log($"hybrid: {note}");
        double wSup = choice.SupervisedWeight;
        var scorer = new HybridScorer(wSup, 1 - wSup, calibration);
        var scored = SplitScores.Compute(draft with { Scorer = scorer }, val, all, batch, device);

        double threshold; string method;
        if (canRank)
        {
            var s = labeled.Select(i => scored.Combined[i]).ToArray();
            var point = request.Threshold.Method switch
            {
                "youden" => ThresholdSelection.MaxYoudenJ(s, truth),
                "sensitivity" => ThresholdSelection.ForSensitivity(s, truth, request.Threshold.Sensitivity!.Value),
                _ => ThresholdSelection.MaxF1(s, truth),
            };
            threshold = point.Threshold; method = request.Threshold.ToString();
        }
        else
        {
            // No labeled anomalies to rank: allow 5 % false alarms on the normals.
            var s = scored.Combined;
            threshold = ThresholdSelection.ForFalseAlarmRate(s, new int[s.Length], 0.05).Threshold;
            method = "false_alarm:0.05";
        }
        ctx.Log($"hybrid: threshold {threshold:F4} ({method})");
        var critical = CriticalRules(ctx, val, scored, threshold);
        return new DetectorParts(classifier, vae, spec.Classes, spec.NormalClass, scorer, threshold, method, critical, request.TestTimeFlip);
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

    /// <summary>
    /// For each critical class, the highest classifier-probability threshold with which (score ≥ global threshold) OR
    /// (P(class) ≥ it) flags the required share of the class's validation images: images the global threshold already
    /// catches are not asked of the rule, so it adds as few false alarms as it can.
    /// </summary>
    private static List<CriticalClassRule> CriticalRules(RunContext ctx, CachedSplit val, SplitScores scored, double threshold)
    {
        var rules = new List<CriticalClassRule>();
        var spec = ctx.Request.Dataset;
        if (ctx.Request.CriticalSensitivity.Count == 0) return rules;
        var probs = scored.Probabilities ?? throw new Core.UserInputException("--critical needs the classifier; train the supervised phase (--phase all).");
        foreach (var (name, required) in ctx.Request.CriticalSensitivity)
        {
            int k = spec.Classes.ToList().IndexOf(name);
            var images = Enumerable.Range(0, val.Count).Where(i => val.Labels[i] == k).ToArray();
            if (images.Length == 0)
                throw new Core.UserInputException($"--critical class '{name}' has no validation images, so its sensitivity cannot be checked; add labeled images of it or leave it out.");
            int needed = (int)Math.Ceiling(required * images.Length - 1e-9);
            var missed = images.Where(i => scored.Combined[i] < threshold).Select(i => probs[i][k]).OrderDescending().ToArray();
            int more = needed - (images.Length - missed.Length);
            // Flag the `more` most probable of the missed ones; 1.0 when the global threshold already meets the requirement.
            double t = more <= 0 ? 1.0 : missed[more - 1];
            rules.Add(new CriticalClassRule(name, required, t));
            double reached = images.Average(i => scored.Combined[i] >= threshold || probs[i][k] >= t ? 1.0 : 0.0);
            ctx.Log($"hybrid: critical {name}: also flag when P({name}) ≥ {t:F4}; validation sensitivity {reached:P1} of {images.Length} images (required {required:P1})");
        }
        return rules;
    }

    private static PackageNormalization ChannelStatistics(CachedSplit train)
    {
        using var scope = NewDisposeScope();
        var x = train.Images.to_type(ScalarType.Float32).div(255f);
        var mean = x.mean([0, 2, 3]).data<float>().ToArray();
        var std = x.std([0, 2, 3]).data<float>().ToArray();
        return new PackageNormalization(mean.Select(v => (double)v).ToArray(), std.Select(v => Math.Max(1e-3, (double)v)).ToArray());
    }

    private static void Package(TrainRequest request, DetectorParts detector, PackageNormalization normalization,
        IReadOnlyList<TrainingPhase> phases, IReadOnlyList<HistoryRow> history, string path)
    {
        var modules = new Dictionary<string, nn.Module>();
        if (detector.Classifier is { } c) modules["classifier"] = c;
        if (detector.Vae is { } v) modules["vae"] = v;
        var best = history.Where(h => h.IsBest).LastOrDefault();
        var manifest = new ModelPackageManifest
        {
            Created = DateTimeOffset.UtcNow,
            Classes = detector.Classes, NormalClass = detector.NormalClass,
            ImageSize = request.ImageSize!.Value, Channels = request.Channels!.Value, Normalization = normalization,
            Preprocessing = PackagePreprocessing.Current,
            Models = new PackageModels
            {
                Classifier = detector.Classifier is null ? null : new PackageClassifier { Variant = request.Variant.Name, NumClasses = detector.Classes.Count, TestTimeFlip = detector.TestTimeFlip },
                Vae = detector.Vae is { } vae ? new PackageVae { LatentDim = vae.Options.LatentDim, BaseWidth = vae.Options.BaseWidth, Score = vae.EffectiveScore.ToString(), AnomalyHead = vae.Head is not null, HeadStatistics = vae.HasHeadStatisticsBuffer } : null,
            },
            HybridWeights = new PackageHybridWeights(detector.Scorer.SupervisedWeight, detector.Scorer.ReconstructionWeight),
            Calibration = detector.Scorer.Calibration is { } cal ? JsonSerializer.SerializeToElement(cal, VigilJson.Options) : null,
            Thresholds = new PackageThresholds
            {
                Default = detector.Threshold, Method = detector.ThresholdMethod,
                PerClass = detector.Critical.ToDictionary(r => r.ClassName, r => r.ProbabilityThreshold),
                RequiredSensitivity = detector.Critical.ToDictionary(r => r.ClassName, r => r.RequiredSensitivity),
            },
            Dataset = new PackageDataset { Name = request.Dataset.Name, Path = request.Dataset.Folder, CsvHash = DatasetHash(request.Dataset) },
            Training = new PackageTraining { Epochs = history.Count, BestMetric = best?.Monitor, BestValue = best?.MonitorValue, BestEpoch = best?.Epoch, Phases = phases },
        };
        ModelPackage.Save(path, manifest, modules);
    }

    private static string DatasetHash(DatasetSpec spec)
    {
        var hash = new System.IO.Hashing.XxHash128();
        foreach (var (name, split) in spec.Splits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var row in split.Rows) hash.Append(Encoding.UTF8.GetBytes($"{name}|{row.Path}|{row.Label}|{row.ContentHash}\n"));
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static void WriteOutputs(string folder, IReadOnlyList<HistoryRow> history, EvaluationReport val, EvaluationReport? test,
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

    private static void WriteHistory(string path, IReadOnlyList<HistoryRow> history)
    {
        var sb = new StringBuilder("phase,epoch,train_loss,val_loss,monitor,monitor_value,learning_rate,images_per_second,seconds,is_best\n");
        string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var h in history)
            sb.Append($"{h.Phase},{h.Epoch},{F(h.TrainLoss)},{F(h.ValLoss)},{h.Monitor},{F(h.MonitorValue)},{F(h.LearningRate)},{F(h.ImagesPerSecond)},{F(h.Seconds)},{(h.IsBest ? 1 : 0)}\n");
        AtomicText(path, sb.ToString());
    }

    private static void AtomicText(string path, string text) =>
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string Describe(double? auroc) => auroc is { } a ? a.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
