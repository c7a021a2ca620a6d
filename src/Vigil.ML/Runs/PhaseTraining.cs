using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;
using Vigil.ML.Training;
using Vigil.ML.Training.Checkpoints;
using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Runs;

/// <summary>
/// Trains one model phase over the shared <see cref="EpochLoop"/>: the classifier (with pseudo-labels when asked) or the
/// VAE, with their loaders, augmentation and checkpoint fingerprints; restores a phase trained by an earlier run.
/// </summary>
internal static class PhaseTraining
{
    /// <summary>The classifier (or the router) on the labeled training images (and the unlabeled ones under --semi-supervised).</summary>
    public static LoopOutcome TrainClassifier(RunContext ctx, EfficientNetModel model, CachedSplit train, CachedSplit val, int epochs,
        TrainingPhase phase = TrainingPhase.Supervised)
    {
        var request = ctx.Request;
        string name = phase.ToString().ToLowerInvariant();
        if (request.InitWeights is { } weights)
        {
            var report = EfficientNetWeights.LoadSafetensors(model, weights);
            ctx.Log($"{name}: loaded {report.Loaded.Count} tensors from {weights} ({report.Naming} names; {report.Skipped.Count} skipped)");
        }
        var positions = Enumerable.Range(0, train.Count).Where(p => train.Labels[p] >= 0).ToArray();
        var counts = new long[request.Dataset.Classes.Count];
        foreach (var p in positions) counts[train.Labels[p]]++;
        var unlabeled = Unlabeled(ctx, train);
        int[] draws = positions;
        if (unlabeled is not null && positions.Length > 0)
        {
            // An epoch goes once through the unlabeled pool, or through a sample of it when the pool is large: with few
            // labels that takes many steps, so each labeled image is drawn several times per epoch (FixMatch counts its
            // steps by the unlabeled data too).
            var options = request.SemiSupervised!;
            int repeat = options.LabeledPassesPerEpoch(positions.Length, unlabeled.UnlabeledCount);
            if (repeat > 1) draws = Enumerable.Repeat(positions, repeat).SelectMany(p => p).ToArray();
            string sample = options.MaxUnlabeledPerEpoch < unlabeled.UnlabeledCount
                ? $"to draw {(long)draws.Length * options.UnlabeledPerLabeled:N0} of the {unlabeled.UnlabeledCount:N0} unlabeled ones (a fresh sample each epoch; at most {options.MaxUnlabeledPerEpoch:N0})"
                : "to go once through the unlabeled ones";
            ctx.Log($"{name}: each epoch draws the {positions.Length:N0} labeled images {repeat} time{(repeat == 1 ? "" : "s")}, {sample}");
        }
        var loader = TrainingLoader(ctx, name, "labeled", train, draws,
            LoaderOptions.Training(request.BatchSize!.Value, request.Seed, request.BalancedSampling, Augmentation(request)));
        using var trainer = new ClassifierTrainer(ctx, model, val, request.BalancedSampling ? null : ClassWeights.InverseFrequency(counts), unlabeled, phase);
        long steps = (long)epochs * Batches(request, loader);
        var schedule = new CosineWarmupSchedule(request.LearningRate, Math.Min(steps / 10, Batches(request, loader)), steps);
        return EpochLoop.Run(ctx, trainer, loader, epochs, schedule, Fingerprint(request, phase, trainer.ModelKind), positions.Length, val.Count);
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
        double threshold = PseudoLabelThreshold(request);
        ctx.Log($"supervised: also learning from {positions.Length:N0} unlabeled images (their confident predictions, P ≥ {threshold:0.###}, become targets for harder views of them; " +
                $"{options.Threshold:0.##} of the {ConsistencyOptions.HighestTarget(request.LabelSmoothing, request.Dataset.Classes.Count):0.###} that label smoothing {request.LabelSmoothing:0.##} leaves as the highest target)");
        return new PseudoLabelConsistency(train, positions, options, Augmentation(request) ?? AugmentOptions.Default, request.Seed, request.Compute.Device, threshold);
    }

    /// <summary>The probability at which the classifier's prediction on an unlabeled image counts as confident (pseudo-labels, pseudo-normals).</summary>
    public static double PseudoLabelThreshold(TrainRequest request) =>
        (request.SemiSupervised ?? new ConsistencyOptions()).EffectiveThreshold(request.LabelSmoothing, request.Dataset.Classes.Count);

    /// <summary>The VAE on the images --vae-data selects, and on <paramref name="pseudoNormals"/> (positions in <paramref name="train"/>) when given.</summary>
    public static LoopOutcome TrainVae(RunContext ctx, VaeModel model, CachedSplit train, CachedSplit val, int epochs, int[]? pseudoNormals = null)
    {
        var request = ctx.Request;
        var (vaeData, why) = request.VaeData.Resolve(train.Split);
        if (why is not null) ctx.Log($"unsupervised: {why}");
        var positions = train.PositionsOf(train.Split.VaeRows(vaeData));
        if (pseudoNormals is { Length: > 0 }) positions = [.. positions, .. pseudoNormals];
        if (positions.Length == 0)
            throw new Core.UserInputException($"no training images for the VAE with --vae-data {request.VaeData.ToText()} (it needs normal-class or unlabeled images); try --vae-data both.");
        var valFit = val.PositionsOf(val.Split.VaeRows(VaeData.Both));
        if (valFit.Length == 0) valFit = Enumerable.Range(0, val.Count).ToArray();
        string what = pseudoNormals is { Length: > 0 } ? $"{vaeData.ToText()} and pseudo-normal" : vaeData.ToText();
        var loader = TrainingLoader(ctx, "unsupervised", what, train, positions,
            LoaderOptions.Training(request.BatchSize!.Value, request.Seed + 1, false, VaeAugmentation(request)));
        long steps = (long)epochs * Batches(request, loader);
        using var trainer = new VaeTrainer(ctx, model, val, valFit, steps);
        var schedule = new CosineWarmupSchedule(request.VaeLearningRate, Math.Min(steps / 20, Batches(request, loader)), steps);
        return EpochLoop.Run(ctx, trainer, loader, epochs, schedule, Fingerprint(request, TrainingPhase.Unsupervised, "vae"), positions.Length, valFit.Length);
    }

    // Every selected image every epoch, in batches small enough for several steps per epoch (TrainingBatches).
    public static BatchLoader TrainingLoader(RunContext ctx, string phase, string what, CachedSplit train, int[] positions, LoaderOptions options)
    {
        var adapted = TrainingBatches.Options(options, positions.Length) with { Device = ctx.Request.Compute.Device };
        var loader = new BatchLoader(train, adapted, positions);
        string size = adapted.BatchSize == options.BatchSize ? "" : $" (batch size {options.BatchSize} adapted to {adapted.BatchSize}, so the images make several steps per epoch)";
        ctx.Log($"{phase}: {positions.Length:N0} {what} images, {loader.BatchesPerEpoch} batches of up to {adapted.BatchSize} per epoch{size}");
        return loader;
    }

    public static int Batches(TrainRequest request, BatchLoader loader) =>
        Math.Max(1, request.MaxBatchesPerEpoch is { } m ? Math.Min(m, loader.BatchesPerEpoch) : loader.BatchesPerEpoch);

    /// <summary>The VAE's (and its head's) augmentation: gentler than the classifier's, no erasing.</summary>
    internal static AugmentOptions? VaeAugmentation(TrainRequest request) =>
        Augmentation(request) is { } a ? a with { MaxRotationDegrees = 5, EraseProbability = 0 } : null;

    public static AugmentOptions? Augmentation(TrainRequest request) =>
        request.Augment ? request.Augmentation with { HorizontalFlip = request.AllowHorizontalFlip } : null;

    public static CheckpointFingerprint Fingerprint(TrainRequest request, TrainingPhase phase, string kind) => new()
    {
        Phase = phase, ModelKind = kind, Classes = request.Dataset.Classes, ImageSize = request.ImageSize!.Value, Channels = request.Channels!.Value,
    };

    public static bool HasPhase(RunContext ctx, TrainingPhase phase) =>
        File.Exists(new CheckpointStore(Path.Combine(ctx.Request.Output, phase.ToString().ToLowerInvariant())).BestPath);

    public static void RestorePhase(RunContext ctx, TrainingPhase phase, nn.Module model, CheckpointFingerprint fingerprint)
    {
        var store = new CheckpointStore(ctx.PhaseFolder(phase));
        var path = File.Exists(store.BestPath) ? store.BestPath : store.LastPath;
        Checkpoint.Restore(path, fingerprint, new CheckpointParts(new Dictionary<string, nn.Module> { [phase == TrainingPhase.Supervised ? "classifier" : "vae"] = model })
            { IncludeTorchRng = false, IncludeOptimizers = false });
        ctx.Log($"{phase.ToString().ToLowerInvariant()}: using the trained weights in {path}");
    }

    // The VAE's latent statistics from the images it learned normality from (and any pseudo-normals), seen without augmentation.
    public static void FitLatentStatistics(RunContext ctx, VaeModel vae, CachedSplit train, int[]? pseudoNormals = null)
    {
        var positions = train.PositionsOf(train.Split.VaeRows(ctx.Request.VaeData));
        if (positions.Length < 2) return; // TrainVae refuses such data; a restored VAE then keeps its fallback score
        if (pseudoNormals is { Length: > 0 }) positions = [.. positions, .. pseudoNormals];
        var loader = new BatchLoader(train, LoaderOptions.Evaluation(ctx.Request.BatchSize!.Value) with { Device = ctx.Request.Compute.Device }, positions);
        vae.FitLatentStatistics(loader.Images(ctx.Cancellation));
        ctx.Log($"unsupervised: latent statistics fitted on {Math.Min(positions.Length, VaeModel.MaxLatentFitImages):N0} training images; score {vae.EffectiveScore}");
    }

    /// <summary>Per-channel mean and standard deviation of the training images, the models' input normalisation.</summary>
    public static PackageNormalization ChannelStatistics(CachedSplit train)
    {
        using var scope = NewDisposeScope();
        var x = train.Images.to_type(ScalarType.Float32).div(KeptScalars.Of(255));
        var mean = x.mean([0, 2, 3]).data<float>().ToArray();
        var std = x.std([0, 2, 3]).data<float>().ToArray();
        return new PackageNormalization(mean.Select(v => (double)v).ToArray(), std.Select(v => Math.Max(1e-3, (double)v)).ToArray());
    }
}
