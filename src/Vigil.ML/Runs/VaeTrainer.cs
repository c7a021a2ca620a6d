using TorchSharp;
using TorchSharp.Modules;
using Vigil.Core.Metrics;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Models.Vae;
using Vigil.ML.Training;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>
/// The unsupervised phase: the VAE learns normality from normal and/or unlabeled images (β warm-up on the KL term).
/// Validation reports the loss on validation normals/unlabeled and, when labeled anomalies exist, the AUROC of the
/// reconstruction score, which then drives early stopping.
/// </summary>
internal sealed class VaeTrainer : IPhaseTrainer, IDisposable
{
    private readonly RunContext _ctx;
    private readonly CachedSplit _val;
    private readonly int[] _valFit, _valLabeled;
    private readonly int[] _valLabels;
    private readonly Native.AdamW _optimizer;
    private readonly BetaWarmup _beta;

    public VaeTrainer(RunContext ctx, VaeModel model, CachedSplit val, IReadOnlyList<int> valFitPositions, long totalSteps)
    {
        _ctx = ctx;
        Model = model;
        _val = val;
        _valFit = valFitPositions.ToArray();
        int normal = ctx.Request.Dataset.NormalClassIndex;
        _valLabeled = normal < 0 ? [] : Enumerable.Range(0, val.Count).Where(p => val.Labels[p] >= 0).ToArray();
        _valLabels = _valLabeled.Select(p => val.Labels[p] == normal ? 0 : 1).ToArray();
        if (_valLabels.Distinct().Count() < 2) { _valLabeled = []; _valLabels = []; }
        _optimizer = new Native.AdamW(model.parameters(), ctx.Request.VaeLearningRate, weightDecay: 0);
        _beta = new BetaWarmup(ctx.Request.Beta, Math.Max(1, totalSteps / 4));
        Modules = new Dictionary<string, nn.Module> { ["vae"] = model };
        Optimizers = new Dictionary<string, OptimizerHelper> { ["vae"] = _optimizer };
    }

    public VaeModel Model { get; }
    public TrainingPhase Phase => TrainingPhase.Unsupervised;
    public string ModelKind => "vae";
    public string MonitorName => _valLabeled.Length > 0 ? "val_anomaly_auroc" : "neg_val_loss";
    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, OptimizerHelper> Optimizers { get; }

    public StepResult TrainStep(Batch batch, long globalStep)
    {
        Model.train();
        using var scope = NewDisposeScope();
        var (reconstruction, mu, logVar) = Model.forward(batch.Images);
        var images = batch.Images;
        if (_ctx.Request.VaeTrim > 0 && images.shape[0] > 1)
        {
            // Trimmed loss: the batch's worst-reconstructed images (likeliest anomalies) give no gradient.
            long keep = Math.Max(1, (long)Math.Round(images.shape[0] * (1 - _ctx.Request.VaeTrim)));
            Tensor kept;
            using (no_grad())
                kept = ((reconstruction - images).square().flatten(1).sum(1) + VaeModel.KlPerImage(mu, logVar)).topk((int)keep, largest: false).indexes;
            images = images.index_select(0, kept); reconstruction = reconstruction.index_select(0, kept);
            mu = mu.index_select(0, kept); logVar = logVar.index_select(0, kept);
        }
        var loss = VaeModel.Loss(images, reconstruction, mu, logVar, _beta.At(globalStep));
        _optimizer.zero_grad();
        loss.Total.backward();
        double? norm = GradientClipping.ClipAndStep(Model.parameters(), _ctx.Request.GradientClip * 50, _optimizer);
        return new StepResult(loss.Total.item<float>(),
            new Dictionary<string, double> { ["recon"] = loss.Reconstruction.item<float>(), ["kl"] = loss.Kl.item<float>() }, null, norm);
    }

    public ValidationResult Validate(int epoch)
    {
        var device = _ctx.Request.Compute.Device;
        int batch = Math.Max(32, _ctx.Request.BatchSize ?? 32);
        var fit = ModelScoring.Vae(Model, _val, _valFit, batch, device, _ctx.Request.Beta);
        double monitor = -fit.Loss;
        var evt = EpochEvents.Empty();
        double tolerance = 0;
        if (_valLabeled.Length > 0)
        {
            var scored = ModelScoring.Vae(Model, _val, _valLabeled, batch, device, _ctx.Request.Beta);
            var auc = BinaryMetrics.Auroc(scored.Scores, _valLabels);
            if (double.IsFinite(auc))
            {
                monitor = auc;
                evt = evt with { AurocMacro = auc, AnomalyAuroc = auc };
                // Ties within the AUROC's standard error go to the epoch that fits the validation normals better.
                tolerance = BinaryMetrics.AurocStandardError(auc, _valLabels);
            }
        }
        return new ValidationResult(fit.Loss, new Dictionary<string, double> { ["recon"] = fit.Reconstruction, ["kl"] = fit.Kl }, monitor, evt, tolerance);
    }

    public void Dispose() => _optimizer.Dispose();
}
