using TorchSharp;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Models.Hybrid;

/// <summary>
/// Runs the classifier and/or the VAE on a batch and turns their outputs into <see cref="DetectionResult"/>s with
/// <see cref="HybridScorer"/>. Both models are put in evaluation mode for each call and run without gradients, on
/// the device their parameters are on.
/// </summary>
public sealed class HybridDetector
{
    private readonly EfficientNetModel? _classifier;
    private readonly VaeModel? _vae;
    private readonly IReadOnlyList<(int Index, CriticalClassRule Rule)> _critical;

    /// <summary>Creates a detector from trained parts; at least one of <paramref name="classifier"/> and <paramref name="vae"/>.</summary>
    /// <param name="classifier">The supervised model, or null for an unsupervised (VAE-only) detector.</param>
    /// <param name="vae">The VAE, or null for a classifier-only detector.</param>
    /// <param name="scorer">Weights and calibration; must have a calibration when there is a VAE.</param>
    /// <param name="classNames">Class names in the classifier's output order (may be empty without a classifier).</param>
    /// <param name="normalClassIndex">Index of the normal class in <paramref name="classNames"/>, −1 for none (ignored without a classifier).</param>
    /// <param name="critical">Critical-class rules (they need the classifier), or null for none.</param>
    /// <param name="testTimeFlip">Average the classifier's probabilities over each image and its left-right mirror.</param>
    /// <exception cref="ArgumentException">The parts do not fit together; the message says how.</exception>
    public HybridDetector(EfficientNetModel? classifier, VaeModel? vae, HybridScorer scorer, IReadOnlyList<string> classNames, int normalClassIndex,
        IReadOnlyList<CriticalClassRule>? critical = null, bool testTimeFlip = false)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classifier is null && vae is null) throw new ArgumentException("a detector needs a classifier, a VAE, or both");
        if (classifier is not null)
        {
            if (classNames.Count != classifier.Options.NumClasses)
                throw new ArgumentException($"the classifier has {classifier.Options.NumClasses} outputs but {classNames.Count} class names were given");
            if (normalClassIndex < -1 || normalClassIndex >= classNames.Count)
                throw new ArgumentException($"normal class index {normalClassIndex} is outside the {classNames.Count} classes (−1: none)");
        }
        if (vae is not null && scorer.Calibration is null)
            throw new ArgumentException("a detector with a VAE needs a scorer with a reconstruction calibration");
        if (classifier is not null && vae is not null && classifier.Options.InputChannels != vae.Options.Channels)
            throw new ArgumentException($"the classifier takes {classifier.Options.InputChannels} channels but the VAE {vae.Options.Channels}");
        if (critical is { Count: > 0 } && classifier is null) throw new ArgumentException("critical-class rules need a classifier");
        TorchNative.EnsureLoaded();
        _critical = critical is null ? [] : CriticalClassRule.Indexed(critical, classNames);
        _classifier = classifier;
        _vae = vae;
        Scorer = scorer;
        ClassNames = classNames.ToArray();
        NormalClassIndex = normalClassIndex;
        TestTimeFlip = testTimeFlip && classifier is not null;
    }

    /// <summary>Whether the classifier's probabilities are averaged over each image and its left-right mirror.</summary>
    public bool TestTimeFlip { get; }

    /// <summary>
    /// The anomaly score of a detector that has neither a normal class nor a VAE (a plain classifier of a dataset
    /// without a normal class): 0, so only critical-class rules can flag an image.
    /// </summary>
    public const double NoAnomalyScore = 0;

    /// <summary>How the parts' outputs are combined.</summary>
    public HybridScorer Scorer { get; }

    /// <summary>Class names in the classifier's output order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Index of the normal class.</summary>
    public int NormalClassIndex { get; }

    /// <summary>Scores images [B, C, H, W] in [0, 1] (H = W = the VAE's image size when there is a VAE).</summary>
    /// <param name="images">The batch; moved to the models' device if needed.</param>
    /// <param name="threshold">An image is an anomaly when its combined score is at least this (or a critical-class rule flags it).</param>
    public IReadOnlyList<DetectionResult> DetectAnomaly(Tensor images, double threshold)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (double.IsNaN(threshold)) throw new ArgumentException("threshold must be a number", nameof(threshold));
        if (images.dim() != 4) throw new ArgumentException($"expected images [B, C, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int batch = (int)images.shape[0];

        float[]? probabilities = null;
        int classes = ClassNames.Count;
        if (_classifier is not null)
        {
            _classifier.eval();
            probabilities = ClassifierProbabilities.Of(_classifier, images.to(DeviceOf(_classifier)), TestTimeFlip).to(torch.CPU).to_type(ScalarType.Float32).data<float>().ToArray();
        }

        float[]? errors = null, maps = null;
        int height = 0, width = 0;
        if (_vae is not null)
        {
            _vae.eval();
            (Tensor scores, Tensor errorMaps) = _vae.Score(images.to(DeviceOf(_vae)));
            errors = scores.to(torch.CPU).data<float>().ToArray();
            height = (int)errorMaps.shape[2];
            width = (int)errorMaps.shape[3];
            maps = errorMaps.to(torch.CPU).contiguous().data<float>().ToArray();
        }

        var results = new DetectionResult[batch];
        for (int i = 0; i < batch; i++)
        {
            int? predicted = null;
            double? confidence = null, supervised = null, reconstruction = null, error = null;
            CriticalClassRule? flagged = null;
            float[]? classProbabilities = null;
            if (probabilities is not null)
            {
                ReadOnlySpan<float> row = probabilities.AsSpan(i * classes, classes);
                classProbabilities = row.ToArray();
                int best = 0;
                for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
                predicted = best;
                confidence = row[best];
                supervised = NormalClassIndex < 0 ? null : HybridScorer.SupervisedScore(Math.Clamp(row[NormalClassIndex], 0.0, 1.0));
                int offset = i * classes;
                flagged = CriticalClassRule.Flagging(_critical, c => probabilities[offset + c]);
            }
            float[]? map = null;
            if (errors is not null)
            {
                error = errors[i];
                reconstruction = Scorer.ReconstructionScore(errors[i]);
                map = maps.AsSpan(i * height * width, height * width).ToArray();
            }
            double score = supervised is null && reconstruction is null ? NoAnomalyScore : Scorer.Combine(supervised, reconstruction);
            results[i] = new DetectionResult(score >= threshold || flagged is not null, predicted, predicted is { } p ? ClassNames[p] : null, confidence,
                score, supervised, reconstruction, error, map, height, width, flagged?.ClassName, classProbabilities);
        }
        return results;
    }

    private static Device DeviceOf(nn.Module module) =>
        module.parameters().FirstOrDefault()?.device ?? torch.CPU;
}
