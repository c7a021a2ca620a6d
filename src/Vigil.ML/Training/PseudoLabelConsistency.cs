using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Vigil.ML.Native;

namespace Vigil.ML.Training;

/// <summary>What <see cref="PseudoLabelConsistency"/> is set to.</summary>
/// <param name="Threshold">
/// Confidence above which a weakly augmented unlabeled image's prediction becomes its pseudo-label (FixMatch: 0.95), as a
/// share of the highest confidence the classifier is trained towards (see <see cref="EffectiveThreshold"/>).
/// </param>
/// <param name="Weight">Weight λ of the unlabeled loss next to the labeled one.</param>
/// <param name="UnlabeledPerLabeled">Unlabeled images per labeled image in a step (FixMatch's μ; small on a CPU).</param>
/// <param name="MaxUnlabeledPerEpoch">
/// An epoch goes once through the unlabeled pool or draws this many of its images, whichever is fewer: on 2 CPU cores
/// a pass over 24,000 unlabeled images took 4 minutes at 32×32 (Fashion-MNIST, docs/benchmarks.md), so a large pool is
/// sampled, afresh each epoch, rather than every epoch going through all of it.
/// </param>
public sealed record ConsistencyOptions(double Threshold = 0.95, double Weight = 1.0, int UnlabeledPerLabeled = 2, int MaxUnlabeledPerEpoch = 4096)
{
    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        if (!(Weight > 0 && double.IsFinite(Weight))) throw new ArgumentOutOfRangeException(nameof(Weight), Weight, "must be positive");
        if (UnlabeledPerLabeled is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(UnlabeledPerLabeled), UnlabeledPerLabeled, "must be 1..16");
        if (MaxUnlabeledPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(MaxUnlabeledPerEpoch), MaxUnlabeledPerEpoch, "must be at least 1");
    }

    /// <summary>
    /// The probability a prediction must reach, for a classifier trained with label smoothing <paramref name="labelSmoothing"/>
    /// over <paramref name="classes"/> classes: <see cref="Threshold"/> × (1 − ε + ε/K). Smoothing makes 1 − ε + ε/K the
    /// target of every labeled image (0.92 at ε = 0.1 and five classes), so a classifier's most confident predictions stay
    /// just under it and FixMatch's 0.95, meant for unsmoothed targets, is out of reach: measured on Fashion-MNIST with
    /// 5 % of the labels, the median P(normal) of test T-shirts was 0.89 and 4 of 1,000 reached 0.95 (docs/benchmarks.md).
    /// </summary>
    public double EffectiveThreshold(double labelSmoothing, int classes) => Threshold * HighestTarget(labelSmoothing, classes);

    /// <summary>1 − ε + ε/K: the probability label smoothing ε over K classes trains every labeled image towards.</summary>
    public static double HighestTarget(double labelSmoothing, int classes) => 1 - labelSmoothing + labelSmoothing / Math.Max(1, classes);

    /// <summary>
    /// How many times an epoch draws each of <paramref name="labeled"/> images so that, at <see cref="UnlabeledPerLabeled"/>
    /// unlabeled images per labeled one, it goes once through <paramref name="unlabeled"/> images or draws at most
    /// <see cref="MaxUnlabeledPerEpoch"/> of them, whichever is fewer (1 to 64: one pass even when it alone draws more).
    /// </summary>
    public int LabeledPassesPerEpoch(int labeled, int unlabeled)
    {
        long perPass = Math.Max(1L, (long)labeled * UnlabeledPerLabeled);
        // Once through a small pool rounds up (every image drawable); a sample of a large one rounds down (the cap holds).
        long passes = unlabeled <= MaxUnlabeledPerEpoch ? (unlabeled + perPass - 1) / perPass : MaxUnlabeledPerEpoch / perPass;
        return (int)Math.Clamp(passes, 1, 64);
    }
}

/// <summary>
/// Lets the classifier learn from unlabeled images, after FixMatch (Sohn et al., 2020): each step also draws unlabeled
/// images; the model's prediction on a weakly augmented view, where confident, becomes a pseudo-label that a strongly
/// augmented view of the same image must match. Confident-only targets keep the unlabeled pool's unknown classes from
/// being forced into a known one. The draw depends only on (seed, step), so a resumed run sees the same images.
/// </summary>
internal sealed class PseudoLabelConsistency
{
    private readonly CachedSplit _data;
    private readonly int[] _positions;
    private readonly ConsistencyOptions _options;
    private readonly double _threshold;
    private readonly AugmentOptions _weak, _strong;
    private readonly long _seed;
    private readonly Device? _device;

    /// <param name="data">The training split.</param>
    /// <param name="unlabeledPositions">Positions in <paramref name="data"/> of its unlabeled images.</param>
    /// <param name="options">Threshold, weight, unlabeled share.</param>
    /// <param name="augment">The run's augmentation: the weak view is a gentle version of it, the strong view a harsher one.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="device">Where tensors run.</param>
    /// <param name="threshold">The probability a prediction must reach to become a target (<see cref="ConsistencyOptions.EffectiveThreshold"/>).</param>
    public PseudoLabelConsistency(CachedSplit data, int[] unlabeledPositions, ConsistencyOptions options, AugmentOptions augment, long seed, Device? device,
        double threshold)
    {
        if (unlabeledPositions.Length == 0) throw new ArgumentException("there are no unlabeled images to learn from", nameof(unlabeledPositions));
        options.Validate();
        _data = data;
        _positions = unlabeledPositions;
        _options = options;
        _threshold = threshold;
        // Weak: small shifts and the run's flips only; strong: the run's full geometry, stronger intensity jitter, erasing.
        _weak = AugmentOptions.Light with { HorizontalFlip = augment.HorizontalFlip };
        _strong = augment with
        {
            Brightness = Math.Max(augment.Brightness, 0.3), Contrast = Math.Max(augment.Contrast, 0.3),
            EraseProbability = Math.Max(augment.EraseProbability, 0.5), MinCropScale = Math.Min(augment.MinCropScale, 0.7),
        };
        _seed = seed;
        _device = device;
    }

    /// <summary>Unlabeled images available.</summary>
    public int UnlabeledCount => _positions.Length;

    /// <summary>
    /// The unlabeled loss of step <paramref name="globalStep"/> for a labeled batch of <paramref name="labeledBatchSize"/>
    /// images (to add to the labeled loss, already weighted), and the share of unlabeled images that were confident.
    /// The model must be in training mode; gradients flow through the strong view only.
    /// </summary>
    public (Tensor Loss, double ConfidentShare) Loss(EfficientNetModel model, int labeledBatchSize, long globalStep)
    {
        int size = Math.Min(_positions.Length, Math.Max(1, labeledBatchSize * _options.UnlabeledPerLabeled));
        var rng = Stream(globalStep, 0);
        Tensor images = Draw(size, rng);
        Tensor weak = Augmenter.Apply(images, _weak, Stream(globalStep, 1));
        Tensor strong = Augmenter.Apply(images, _strong, Stream(globalStep, 2));
        Tensor confidence, pseudo;
        using (no_grad())
        {
            // Predictions on the weak view are targets, not something to learn through (FixMatch's stop-gradient).
            Tensor probabilities = F.softmax(model.forward(weak), 1);
            (confidence, pseudo) = probabilities.max(1);
        }
        Tensor mask = confidence.ge(KeptScalars.Of(_threshold)).to_type(ScalarType.Float32);
        Tensor perImage = F.cross_entropy(model.forward(strong), pseudo, reduction: nn.Reduction.None);
        // Averaged over all drawn images (confident or not), as FixMatch does: few confident images, small loss.
        Tensor loss = (perImage * mask).mean() * _options.Weight;
        return (loss, mask.mean().item<float>());
    }

    // Streams of their own (apart from the labeled loader's), one per step and use: draw, weak view, strong view.
    private SplitMix64 Stream(long globalStep, int use) => SplitMix64.For(_seed ^ 0x5EED_F1C5, 0, globalStep * 3 + use);

    // A uniform draw without replacement from the unlabeled pool, fixed by (seed, step).
    private Tensor Draw(int size, SplitMix64 rng)
    {
        var chosen = new long[size];
        var taken = new HashSet<int>();
        for (int i = 0; i < size; i++)
        {
            int pick;
            do pick = _positions[(int)(rng.NextDouble() * _positions.Length) % _positions.Length];
            while (!taken.Add(pick));
            chosen[i] = pick;
        }
        Tensor source = _data.Images;
        Tensor gathered = source.index_select(0, tensor(chosen, device: source.device));
        if (_device is { } device) gathered = gathered.to(device);
        return gathered.to_type(ScalarType.Float32).div_(KeptScalars.Of(255));
    }
}
