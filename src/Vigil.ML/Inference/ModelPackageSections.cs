using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Runs;

namespace Vigil.ML.Inference;

/// <summary>Per-channel normalisation: <c>(pixel / 255 − mean[c]) / std[c]</c>.</summary>
/// <param name="Mean">One mean per channel.</param>
/// <param name="Std">One standard deviation per channel (&gt; 0).</param>
public sealed record PackageNormalization(IReadOnlyList<double> Mean, IReadOnlyList<double> Std);

/// <summary>The sub-models' configurations, by role. Unknown roles written by newer versions are kept in <see cref="Other"/>.</summary>
public sealed record PackageModels
{
    /// <summary>The supervised classifier, if the package has one (weights entry <c>classifier</c>).</summary>
    public PackageClassifier? Classifier { get; init; }

    /// <summary>The unsupervised VAE, if the package has one (weights entry <c>vae</c>).</summary>
    public PackageVae? Vae { get; init; }

    /// <summary>The router, if the package is one (weights entries <c>router</c> and <c>router_ood</c>); see <see cref="Router"/>.</summary>
    public PackageRouter? Router { get; init; }

    /// <summary>Any other model configuration, by name.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>The classifier's configuration.</summary>
public sealed record PackageClassifier
{
    /// <summary>The architecture variant, e.g. <c>b0</c> or <c>tiny</c>.</summary>
    public required string Variant { get; init; }

    /// <summary>Output classes.</summary>
    public required int NumClasses { get; init; }

    /// <summary>
    /// Probabilities are the average over each image and its left-right mirror (test-time augmentation); packages
    /// without the field do not average.
    /// </summary>
    public bool TestTimeFlip { get; init; }

    /// <summary>Further settings of the model code (dropout, width multiplier…), kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Settings { get; init; }
}

/// <summary>The VAE's configuration.</summary>
public sealed record PackageVae
{
    /// <summary>Size of the latent vector.</summary>
    public required int LatentDim { get; init; }

    /// <summary>Channels of the first convolution (doubled at each downsampling).</summary>
    public required int BaseWidth { get; init; }

    /// <summary>The anomaly score kind (<see cref="Models.Vae.VaeScoreKind"/> name); packages without one used ErrorPlusKl.</summary>
    public string Score { get; init; } = nameof(Models.Vae.VaeScoreKind.ErrorPlusKl);

    /// <summary>Whether the weights include the anomaly head (<see cref="Models.Vae.AnomalyHead"/>); packages without the field have none.</summary>
    public bool AnomalyHead { get; init; }

    /// <summary>Whether the weights include the head score's statistics on the training normals; packages without the field have none.</summary>
    public bool HeadStatistics { get; init; }

    /// <summary>Room for this many training normals' latent codes (the neighbour score); packages without the field have none.</summary>
    public int LatentBank { get; init; }

    /// <summary>Further settings of the model code (depth, β…), kept as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Settings { get; init; }
}

/// <summary>
/// A router's configuration: the classifier over routes (the manifest's <c>classes</c>, one per region/modality pair),
/// its calibration and its out-of-distribution test.
/// </summary>
public sealed record PackageRouter
{
    /// <summary>The EfficientNet variant of the route classifier (weights entry <c>router</c>).</summary>
    public required string Variant { get; init; }

    /// <summary>The routes, in output order (the same names as the manifest's classes).</summary>
    public required IReadOnlyList<PackageRoute> Routes { get; init; }

    /// <summary>Width of the features the OOD statistics are on (EfficientNetModel.StatisticsWidth of <see cref="OodStages"/>).</summary>
    public required int FeatureDim { get; init; }

    /// <summary>Leading stages (the stem first) whose channel means and spreads the OOD score reads (EfficientNetModel.ForwardWithStatistics).</summary>
    public int OodStages { get; init; } = 3;

    /// <summary>The temperature dividing the logits (fitted on validation), so confidences are calibrated.</summary>
    public required double Temperature { get; init; }

    /// <summary>How the out-of-distribution score is computed: <c>mahalanobis</c> (weights entry <c>router_ood</c>).</summary>
    public required string OodScore { get; init; }

    /// <summary>An image whose OOD score is above this is unroutable: looks like no route the router was trained on.</summary>
    public required double OodThreshold { get; init; }

    /// <summary>The share of in-route images meant to stay below <see cref="OodThreshold"/> when it was set (e.g. 0.995, under a log-normal fitted to validation).</summary>
    public double OodQuantile { get; init; }

    /// <summary>Below this calibrated confidence an image is unroutable (too unsure between routes).</summary>
    public required double MinConfidence { get; init; }
}

/// <summary>One route of a router: a region/modality pair, e.g. <c>brain/MRI</c>.</summary>
/// <param name="Name">The route's name, <c>region/modality</c>.</param>
/// <param name="Region">Anatomical region, as the dataset CSVs say it.</param>
/// <param name="Modality">Imaging modality, as the dataset CSVs say it.</param>
/// <param name="TrainImages">Training images of the route.</param>
public sealed record PackageRoute(string Name, string Region, string Modality, int TrainImages);

/// <summary>Weights of the two anomaly scores in the hybrid score (they sum to 1 by convention).</summary>
/// <param name="Supervised">Weight of the classifier's anomaly score.</param>
/// <param name="Unsupervised">Weight of the VAE's reconstruction score.</param>
public sealed record PackageHybridWeights(double Supervised, double Unsupervised);

/// <summary>Decision thresholds on the (calibrated) anomaly score.</summary>
public sealed record PackageThresholds
{
    /// <summary>The threshold used when none is given on the command line.</summary>
    public required double Default { get; init; }

    /// <summary>How it was chosen, e.g. <c>youden</c>, <c>tpr_at_fpr</c>, <c>fixed</c>.</summary>
    public required string Method { get; init; }

    /// <summary>
    /// Critical classes' classifier-probability thresholds: an image is also flagged when P(class) ≥ its threshold
    /// (see <see cref="Models.Hybrid.CriticalClassRule"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double> PerClass { get; init; } = new Dictionary<string, double>();

    /// <summary>The sensitivity each critical class was required to reach on validation (same keys as <see cref="PerClass"/>).</summary>
    public IReadOnlyDictionary<string, double> RequiredSensitivity { get; init; } = new Dictionary<string, double>();
}

/// <summary>The dataset a package was trained on.</summary>
public sealed record PackageDataset
{
    /// <summary>The dataset's name.</summary>
    public required string Name { get; init; }

    /// <summary>The dataset folder at training time.</summary>
    public string? Path { get; init; }

    /// <summary>A hash of the dataset's CSV files, to tell whether a dataset is the one trained on.</summary>
    public string? CsvHash { get; init; }
}

/// <summary>A summary of how the package was trained.</summary>
public sealed record PackageTraining
{
    /// <summary>Epochs trained (per phase, summed).</summary>
    public int Epochs { get; init; }

    /// <summary>The monitored metric's name.</summary>
    public string? BestMetric { get; init; }

    /// <summary>Its best value.</summary>
    public double? BestValue { get; init; }

    /// <summary>The epoch of the best value.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The phases trained, in order.</summary>
    public IReadOnlyList<TrainingPhase> Phases { get; init; } = [];
}
