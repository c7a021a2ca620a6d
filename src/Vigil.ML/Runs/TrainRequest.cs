using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;

namespace Vigil.ML.Runs;

/// <summary>Which phases <c>vigil train</c> runs.</summary>
public enum PhaseSelection
{
    /// <summary>The EfficientNet classifier on labeled images.</summary>
    Supervised,
    /// <summary>The VAE on normal and/or unlabeled images.</summary>
    Unsupervised,
    /// <summary>Calibration, ensemble weights and thresholds from the two trained models.</summary>
    Hybrid,
    /// <summary>Supervised, unsupervised, then hybrid.</summary>
    All,
    /// <summary>The router: a region/modality classifier with calibrated confidence and an out-of-distribution test (<see cref="RouterTraining"/>).</summary>
    Router,
}

/// <summary>How the decision threshold of the anomaly score is chosen on the validation split.</summary>
/// <param name="Method">"f1" (F1-max), "youden" (Youden's J) or "sensitivity" (highest threshold reaching <paramref name="Sensitivity"/>).</param>
/// <param name="Sensitivity">Required sensitivity for the "sensitivity" method.</param>
public sealed record ThresholdPolicy(string Method, double? Sensitivity = null)
{
    /// <summary>F1-max, the default.</summary>
    public static ThresholdPolicy F1 { get; } = new("f1");

    /// <summary>Parses "f1", "youden" or "sensitivity:0.95".</summary>
    /// <exception cref="Core.UserInputException">Unknown method or sensitivity out of (0,1].</exception>
    public static ThresholdPolicy Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "f1" or "youden") return new ThresholdPolicy(t);
        if (t.StartsWith("sensitivity:", StringComparison.Ordinal)
            && double.TryParse(t["sensitivity:".Length..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s)
            && s is > 0 and <= 1)
            return new ThresholdPolicy("sensitivity", s);
        throw new Core.UserInputException($"--threshold-method '{text}' is not valid; use f1, youden or sensitivity:0.95 (a sensitivity in (0,1]).");
    }

    /// <inheritdoc />
    public override string ToString() => Sensitivity is { } s ? $"{Method}:{s.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : Method;
}

/// <summary>Everything one <c>vigil train</c> run needs; defaults come from the dataset's training_config.json.</summary>
public sealed record TrainRequest
{
    /// <summary>The data (dataset folder or explicit CSVs).</summary>
    public required DatasetSpec Dataset { get; init; }
    /// <summary>Phases to run.</summary>
    public PhaseSelection Phase { get; init; } = PhaseSelection.All;
    /// <summary>Run folder: model.vigil, metrics.json, history.csv, plots/, events.jsonl, checkpoints per phase.</summary>
    public required string Output { get; init; }
    /// <summary>Epochs of the classifier (null: training_config.json, else 30).</summary>
    public int? EpochsSupervised { get; init; }
    /// <summary>Epochs of the VAE (null: training_config.json, else 50).</summary>
    public int? EpochsUnsupervised { get; init; }
    /// <summary>Square input size (null: training_config.json, else 64).</summary>
    public int? ImageSize { get; init; }
    /// <summary>Input channels (null: training_config.json, else 1).</summary>
    public int? Channels { get; init; }
    /// <summary>Batch size (null: training_config.json, else 32).</summary>
    public int? BatchSize { get; init; }
    /// <summary>EfficientNet variant.</summary>
    public EfficientNetScaling Variant { get; init; } = EfficientNetScaling.B0;
    /// <summary>Optional ImageNet weights (safetensors) for the classifier.</summary>
    public string? InitWeights { get; init; }
    /// <summary>Images the VAE learns from (<see cref="VaeData.Auto"/>: the labeled normals when there are enough).</summary>
    public VaeData VaeData { get; init; } = VaeData.Auto;
    /// <summary>
    /// Share of each VAE batch, the images with the highest loss, left out of the gradient (0 = none): a VAE that must
    /// learn from a pool with some anomalies then fits the images it reconstructs best, which are mostly normal.
    /// </summary>
    public double VaeTrim { get; init; }
    /// <summary>Latent size of the VAE.</summary>
    public int LatentDim { get; init; } = 512;
    /// <summary>
    /// When set, the classifier also learns from the training split's unlabeled images through confident
    /// pseudo-labels (<c>--semi-supervised fixmatch</c>); null trains it on the labels alone.
    /// </summary>
    public Training.ConsistencyOptions? SemiSupervised { get; init; }
    /// <summary>
    /// When <see cref="SemiSupervised"/> is null, turn it on for strategy B (at most 20 % of the training images
    /// labeled, some unlabeled): what <c>vigil train</c> does by default (<c>--semi-supervised auto</c>).
    /// </summary>
    public bool SemiSupervisedAuto { get; init; }
    /// <summary>
    /// The VAE's anomaly score, recorded in the package (null: LearnedAnomalyMap when the anomaly head is trained, else
    /// <see cref="Models.Vae.VaeOptions.Score"/>'s default).
    /// </summary>
    public Models.Vae.VaeScoreKind? VaeScore { get; init; }
    /// <summary>
    /// Epochs of the VAE's anomaly head on the normal training images after the VAE (null: as many as the VAE's, at
    /// most <see cref="DefaultMaxAnomalyHeadEpochs"/>, or enough for <see cref="MinAnomalyHeadSteps"/>; 0: no head,
    /// then the kinds that read the head are unavailable).
    /// </summary>
    public int? AnomalyHeadEpochs { get; init; }
    /// <summary>Cap on the head's epochs when <see cref="AnomalyHeadEpochs"/> is not given (unless <see cref="MinAnomalyHeadSteps"/> needs more).</summary>
    public const int DefaultMaxAnomalyHeadEpochs = 30;
    /// <summary>
    /// Steps the head takes at least when <see cref="AnomalyHeadEpochs"/> is not given (and epochs are not cut short by
    /// <see cref="MaxBatchesPerEpoch"/>): on a few hundred normals the VAE's epochs are only a few steps each, and the
    /// head's ranking of lesions kept improving up to about this many (docs/models.md). A short run gets fewer:
    /// <see cref="MinAnomalyHeadStepsPerVaeEpoch"/> per VAE epoch, up to this.
    /// </summary>
    public const int MinAnomalyHeadSteps = 300;
    /// <summary>The head's minimum of steps per VAE epoch asked for (a one-epoch trial run is not held up by the head).</summary>
    public const int MinAnomalyHeadStepsPerVaeEpoch = 30;
    /// <summary>
    /// Whether the anomaly head also learns from the training split's labeled anomalies, pushed above the normals
    /// (the default); false keeps the unsupervised score normal-only (<c>--head-ignore-labels</c>).
    /// </summary>
    public bool AnomalyHeadUsesLabels { get; init; } = true;
    /// <summary>
    /// Fit the ensemble weights on the validation split (the default) rather than keep the strategy's preset. Either way
    /// a part whose validation AUROC is near chance or inverted gets weight 0 (<see cref="Models.Hybrid.HybridWeightChoice"/>).
    /// </summary>
    public bool FitWeights { get; init; } = true;
    /// <summary>Peak learning rate of the classifier (AdamW).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Learning rate of the VAE (AdamW).</summary>
    public double VaeLearningRate { get; init; } = 1e-3;
    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Label smoothing of the classifier's cross-entropy.</summary>
    public double LabelSmoothing { get; init; } = 0.1;
    /// <summary>Balanced sampling (true) or inverse-frequency class weights (false) against imbalance.</summary>
    public bool BalancedSampling { get; init; }
    /// <summary>Augmentation on the training split.</summary>
    public bool Augment { get; init; } = true;
    /// <summary>
    /// The augmentation's amounts when <see cref="Augment"/> is on (its flip setting is replaced by
    /// <see cref="AllowHorizontalFlip"/>). Lighter settings suit small, centred images whose test set is never shifted.
    /// </summary>
    public AugmentOptions Augmentation { get; init; } = AugmentOptions.Default;
    /// <summary>Allow horizontal flips (off by default: left/right is meaningful in many modalities).</summary>
    public bool AllowHorizontalFlip { get; init; }
    /// <summary>
    /// Test-time augmentation: the classifier's probabilities are the average over each image and its left-right
    /// mirror, in validation (so the kept epoch is chosen the way the model will be used), evaluation and detect
    /// (stored in the model file). Needs <see cref="AllowHorizontalFlip"/>: a model never shown mirrored images gains
    /// nothing from them. Doubles the classifier's inference cost.
    /// </summary>
    public bool TestTimeFlip { get; init; }
    /// <summary>Gradient-norm clipping (0 = off).</summary>
    public double GradientClip { get; init; } = 2.0;
    /// <summary>Early-stopping patience in epochs on the validation monitor (0 = off).</summary>
    public int Patience { get; init; } = 8;
    /// <summary>VAE KL weight after warm-up.</summary>
    public double Beta { get; init; } = 1.0;
    /// <summary>Seed of weights, data order and augmentation.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>Threshold policy.</summary>
    public ThresholdPolicy Threshold { get; init; } = ThresholdPolicy.F1;
    /// <summary>
    /// Critical classes and the sensitivity each must reach on validation (e.g. Tumor → 0.99); each gets a
    /// classifier-probability rule (see <see cref="Models.Hybrid.CriticalClassRule"/>). Needs the supervised phase.
    /// </summary>
    public IReadOnlyDictionary<string, double> CriticalSensitivity { get; init; } = new Dictionary<string, double>();
    /// <summary>Continue from the checkpoints in <see cref="Output"/>.</summary>
    public bool Resume { get; init; }
    /// <summary>Resolved device and threads.</summary>
    public required ComputeSettings Compute { get; init; }
    /// <summary>Stop after this many batches per epoch (smoke runs); null = whole epochs.</summary>
    public int? MaxBatchesPerEpoch { get; init; }
}
