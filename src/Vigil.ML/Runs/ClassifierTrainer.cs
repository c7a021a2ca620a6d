using TorchSharp;
using TorchSharp.Modules;
using Vigil.Core.Metrics;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Training;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>
/// The supervised phase (and the router's, whose classes are routes): EfficientNet on labeled images, AdamW, label smoothing, class weights; with a
/// <see cref="PseudoLabelConsistency"/>, the unlabeled images teach it too (confident pseudo-labels, FixMatch style).
/// </summary>
internal sealed class ClassifierTrainer : IPhaseTrainer, IDisposable
{
    private readonly RunContext _ctx;
    private readonly CachedSplit _val;
    private readonly int[] _valPositions;
    private readonly LabelSmoothingCrossEntropy _loss;
    private readonly Native.AdamW _optimizer;
    private readonly PseudoLabelConsistency? _unlabeled;

    public ClassifierTrainer(RunContext ctx, EfficientNetModel model, CachedSplit val, IReadOnlyList<double>? classWeights,
        PseudoLabelConsistency? unlabeled = null, TrainingPhase phase = TrainingPhase.Supervised)
    {
        _ctx = ctx;
        Phase = phase;
        _unlabeled = unlabeled;
        Model = model;
        _val = val;
        _valPositions = Enumerable.Range(0, val.Count).Where(p => val.Labels[p] >= 0).ToArray();
        _loss = new LabelSmoothingCrossEntropy(ctx.Request.LabelSmoothing, classWeights);
        _optimizer = new Native.AdamW(model.parameters(), ctx.Request.LearningRate, weightDecay: ctx.Request.WeightDecay);
        Modules = new Dictionary<string, nn.Module> { ["classifier"] = model };
        Optimizers = new Dictionary<string, OptimizerHelper> { ["classifier"] = _optimizer };
    }

    public EfficientNetModel Model { get; }
    /// <summary>Supervised for the detector's classifier; Router when its classes are routes.</summary>
    public TrainingPhase Phase { get; }
    public string ModelKind => "efficientnet-" + Model.Options.Scaling.Name;
    // The router's ranking saturates (AUROC 1) long before its decisions settle: it keeps the epoch whose calibrated
    // decisions are best, by the validation log-likelihood.
    public string MonitorName => Phase == TrainingPhase.Router ? "val_log_likelihood"
        : _ctx.Request.Dataset.NormalClass is null ? "val_auroc_macro" : "val_anomaly_auroc";
    public IReadOnlyDictionary<string, nn.Module> Modules { get; }
    public IReadOnlyDictionary<string, OptimizerHelper> Optimizers { get; }

    public StepResult TrainStep(Batch batch, long globalStep)
    {
        Model.train();
        using var scope = NewDisposeScope();
        var logits = Model.forward(batch.Images);
        var loss = _loss.Forward(logits, batch.Labels);
        var parts = new Dictionary<string, double>();
        if (_unlabeled is not null)
        {
            var (unlabeledLoss, confident) = _unlabeled.Loss(Model, batch.Size, globalStep);
            parts["labeled"] = loss.item<float>();
            parts["unlabeled"] = unlabeledLoss.item<float>();
            parts["unlabeled_confident"] = confident;
            loss = loss + unlabeledLoss;
        }
        _optimizer.zero_grad();
        loss.backward();
        double? norm = GradientClipping.ClipAndStep(Model.parameters(), _ctx.Request.GradientClip, _optimizer);
        int correct = (int)logits.argmax(1).eq(batch.Labels).sum().item<long>();
        return new StepResult(loss.item<float>(), parts, correct, norm);
    }

    public ValidationResult Validate(int epoch)
    {
        var classes = _ctx.Request.Dataset.Classes;
        var probabilities = ModelScoring.Probabilities(Model, _val, _valPositions, EvalBatch, _ctx.Request.Compute.Device, _ctx.Request.TestTimeFlip);
        var truth = _valPositions.Select(p => (int)_val.Labels[p]).ToArray();
        double loss = 0;
        for (int i = 0; i < truth.Length; i++) loss -= Math.Log(Math.Max(1e-12, probabilities[i][truth[i]]));
        loss /= Math.Max(1, truth.Length);
        var report = ClassificationReport.FromProbabilities(probabilities, truth, classes);
        double? anomalyAuroc = AnomalyAuroc(probabilities, truth, _ctx.Request.Dataset.NormalClassIndex);
        double monitor = Phase == TrainingPhase.Router ? -loss
            : anomalyAuroc ?? (double.IsFinite(report.RocAucOvr?.Macro ?? double.NaN) ? report.RocAucOvr!.Macro : report.Accuracy);
        var evt = EpochEvents.FromReport(report) with { AurocMacro = Finite(report.RocAucOvr?.Macro), AurocWeighted = Finite(report.RocAucOvr?.Weighted), AnomalyAuroc = anomalyAuroc };
        // A ranking of a few dozen validation normals saturates and jumps by chance; within its standard error the
        // validation loss tells the epochs apart.
        int normals = truth.Count(t => t == _ctx.Request.Dataset.NormalClassIndex);
        double tolerance = Phase != TrainingPhase.Router && anomalyAuroc is { } a ? BinaryMetrics.AurocStandardError(a, truth.Length - normals, normals) : 0;
        return new ValidationResult(loss, new Dictionary<string, double>(), double.IsFinite(monitor) ? monitor : 0, evt, tolerance);
    }

    private int EvalBatch => Math.Max(32, _ctx.Request.BatchSize ?? 32);

    /// <summary>AUROC of "not the normal class" using P(anomaly) = 1 − P(normal); null when undefined.</summary>
    public static double? AnomalyAuroc(double[][] probabilities, int[] truth, int normalIndex)
    {
        if (normalIndex < 0) return null;
        var scores = probabilities.Select(p => 1 - p[normalIndex]).ToArray();
        var labels = truth.Select(t => t == normalIndex ? 0 : 1).ToArray();
        var auc = BinaryMetrics.Auroc(scores, labels);
        return double.IsFinite(auc) ? auc : null;
    }

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;

    public void Dispose() { _loss.Dispose(); _optimizer.Dispose(); }
}
