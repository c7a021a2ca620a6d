using Vigil.ML.Data;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Runs;

/// <summary>
/// The last step of the unsupervised phase: the VAE's <see cref="AnomalyHead"/> learns, from the same normal training
/// images as the VAE (augmented the same way) with synthetic anomalies pasted in, to outline what does not belong.
/// Like the latent statistics it is fitted after the VAE's epochs and not checkpointed: a resumed or re-assembled run
/// fits it again (same seed, same result).
/// </summary>
internal static class AnomalyHeadPhase
{
    /// <summary>Whether the run builds the VAE with a head (refuses the head's score without one).</summary>
    public static bool Wanted(TrainRequest request)
    {
        if (request.AnomalyHeadEpochs is < 0) throw new Core.UserInputException("the anomaly head's epochs must be 0 or more.");
        bool wanted = request.AnomalyHeadEpochs is not 0 && request.ImageSize % 4 == 0;
        if (!wanted && request.VaeScore is { } score && score.NeedsHead())
            throw new Core.UserInputException(request.ImageSize % 4 != 0
                ? $"the {score.ToText()} score needs the anomaly head, which needs an image size divisible by 4, not {request.ImageSize}."
                : $"the {score.ToText()} score needs the anomaly head: give it epochs or choose another score.");
        return wanted;
    }

    /// <summary>
    /// The score the run starts from: the requested one, else <see cref="VaeScoreKind.LearnedMapOrLatent"/> when the head
    /// is trained — on the demo phantoms the head ranked lesions far better than every error and latent score of the
    /// same VAE, and taking the larger of it and the latent score keeps most of what the latter finds on whole-object
    /// anomalies (docs/models.md) — else the VAE's own default. <see cref="VaeScoreChoice"/> may change it on validation.
    /// </summary>
    public static VaeScoreKind? Score(TrainRequest request, bool head) => request.VaeScore ?? (head ? VaeScoreKind.LearnedMapOrLatent : null);

    /// <summary>
    /// Trains the head for the requested epochs (default: the VAE's, capped) and marks it fitted. Pause and stop (the
    /// control, Ctrl-C) take hold between steps, as in the other phases; nothing is checkpointed, since a resumed run
    /// fits the head again.
    /// </summary>
    /// <returns>True when a stop request ended it before the head was fitted.</returns>
    public static bool Fit(RunContext ctx, VaeModel vae, CachedSplit train, CachedSplit val, int vaeEpochs)
    {
        var request = ctx.Request;
        // The same images the VAE learned normality from (--vae-data auto resolved the same way).
        var positions = train.PositionsOf(train.Split.VaeRows(request.VaeData.Resolve(train.Split).Data));
        if (positions.Length < 2) return false; // TrainVae refuses such data; the model then keeps scoring without the head
        var loader = new BatchLoader(train, LoaderOptions.Training(request.BatchSize!.Value, request.Seed + 2, false, PhaseTraining.VaeAugmentation(request))
            with { Device = request.Compute.Device, DropLast = positions.Length > request.BatchSize }, positions);
        int epochs = request.AnomalyHeadEpochs ?? DefaultEpochs(request, vaeEpochs, loader.BatchesPerEpoch);
        using var anomalies = LabeledAnomalies(ctx, train);
        using var fitter = new AnomalyHeadFitter(vae, request.VaeLearningRate, request.Seed + 3);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            // The head has no curves of its own; its epochs show as the run's status, so a watcher sees it is not stuck.
            EpochLoop.Status(ctx, Core.Runs.RunStatus.Running, $"unsupervised: anomaly head epoch {epoch + 1}/{epochs}", null);
            double total = 0; int batches = 0;
            foreach (var batch in loader.Epoch(epoch, cancellationToken: ctx.Cancellation))
                using (batch)
                {
                    if (!EpochLoop.AwaitRunning(ctx, epoch + 1, saveCheckpoint: () => { }))
                    {
                        EpochLoop.Status(ctx, Core.Runs.RunStatus.Interrupted, "unsupervised stopped in the anomaly head; resume with --resume (the head is fitted again)", null);
                        return true;
                    }
                    using var labeled = anomalies?.Next();
                    total += fitter.Step(batch.Images, labeled?.Images);
                    if (++batches == request.MaxBatchesPerEpoch) break;
                }
            ctx.Log($"unsupervised: anomaly head epoch {epoch + 1}/{epochs}, loss {total / Math.Max(1, batches):F4}, {clock.Elapsed.TotalSeconds:F0} s");
        }
        fitter.Complete();
        if (vae.HasHeadStatisticsBuffer)
        {
            // The head has learned its training images; its scores on them are lower and tighter than on any new normal
            // image, so the spread comes from validation normals when there are enough.
            var valNormals = val.Split.NormalClass is null ? [] : val.PositionsOf(val.Split.VaeRows(VaeData.Normal));
            var (split, fitPositions, what) = valNormals.Length >= VaeDataNames.MinLabeledNormals
                ? (val, valNormals, "validation") : (train, positions, "training");
            var evaluation = new BatchLoader(split, LoaderOptions.Evaluation(request.BatchSize!.Value) with { Device = request.Compute.Device }, fitPositions);
            vae.FitHeadStatistics(evaluation.Images(ctx.Cancellation));
            ctx.Log($"unsupervised: the head score's spread fitted on {fitPositions.Length:N0} {what} normal images");
        }
        ctx.Log($"unsupervised: anomaly head trained on {positions.Length:N0} normal images with synthetic anomalies" +
                (anomalies is null ? "" : $" and {anomalies.Count:N0} labeled anomalies pushed above them") + $"; score {vae.EffectiveScore}");
        return false;
    }

    // The VAE's epochs (capped), or more when they would leave the head fewer than its minimum of steps.
    internal static int DefaultEpochs(TrainRequest request, int vaeEpochs, int batchesPerEpoch)
    {
        int epochs = Math.Min(vaeEpochs, TrainRequest.DefaultMaxAnomalyHeadEpochs);
        if (request.MaxBatchesPerEpoch is not null || batchesPerEpoch < 1) return epochs;
        int steps = Math.Min(TrainRequest.MinAnomalyHeadSteps, TrainRequest.MinAnomalyHeadStepsPerVaeEpoch * vaeEpochs);
        return Math.Max(epochs, (steps + batchesPerEpoch - 1) / batchesPerEpoch);
    }

    /// <summary>Whether the head learns from labeled anomalies: the run allows it and the training split has some.</summary>
    public static bool ReadsLabels(TrainRequest request, CachedSplit train) =>
        request.AnomalyHeadUsesLabels && train.Split.AnomalyRows().Count > 0;

    // The labeled anomalies of the training split, drawn a few per step and cycled, or null when there are none or the
    // run keeps the score normal-only.
    private static CyclingBatches? LabeledAnomalies(RunContext ctx, CachedSplit train)
    {
        var request = ctx.Request;
        if (!ReadsLabels(request, train)) return null;
        var positions = train.PositionsOf(train.Split.AnomalyRows());
        if (positions.Length == 0) return null;
        int size = Math.Clamp(request.BatchSize!.Value / 4, 1, positions.Length);
        var loader = new BatchLoader(train, LoaderOptions.Training(size, request.Seed + 4, false, PhaseTraining.VaeAugmentation(request))
            with { Device = request.Compute.Device, DropLast = false }, positions);
        return new CyclingBatches(loader, ctx.Cancellation);
    }

    // Endless batches from a loader: epoch after epoch, each reshuffled.
    private sealed class CyclingBatches(BatchLoader loader, CancellationToken cancellation) : IDisposable
    {
        private IEnumerator<Batch>? _current;
        private int _epoch;

        public int Count => loader.Count;

        public Batch Next()
        {
            while (true)
            {
                _current ??= loader.Epoch(_epoch++, cancellationToken: cancellation).GetEnumerator();
                if (_current.MoveNext()) return _current.Current;
                _current.Dispose();
                _current = null;
            }
        }

        public void Dispose() => _current?.Dispose();
    }
}
