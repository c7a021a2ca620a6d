using System.Text.Json;

namespace Vigil.Monitoring.Control;

/// <summary>
/// What the control routes (<c>POST /api/training/start|pause|resume|stop</c>) drive. The server knows nothing about
/// the trainer: an in-process run plugs in through <see cref="InProcessTrainingController"/>; a trainer in another
/// process can implement this over its own channel.
/// </summary>
public interface ITrainingController
{
    /// <summary>The state the controller sees now (one of <see cref="Storage.RunStates.All"/>).</summary>
    string State { get; }

    /// <summary>Whether <see cref="StartAsync"/> can launch runs here at all (the dashboard offers Start only then).</summary>
    bool CanStart => true;

    /// <summary>Whether pause/resume/stop reach run <paramref name="runId"/> through this controller (the dashboard offers them only then).</summary>
    bool Controls(string runId) => false;

    /// <summary>Launches a run. Refused (not accepted, state unchanged) while one is active.</summary>
    Task<ControlResult> StartAsync(TrainingStartRequest request, CancellationToken cancellationToken = default);

    /// <summary>Holds the trainer at its next batch boundary (after it saves a checkpoint). Refused unless running.</summary>
    ControlResult Pause(string? reason = null);

    /// <summary>Lets a paused trainer go on. Refused unless paused.</summary>
    ControlResult Resume(string? reason = null);

    /// <summary>Ends the run gracefully (checkpoint, then exit). Refused unless running or paused.</summary>
    ControlResult Stop(string? reason = null);
}

/// <summary>The answer to a control request.</summary>
/// <param name="Accepted">Whether the transition happened (false → the API answers 409).</param>
/// <param name="State">The state after the request (the current state when refused).</param>
/// <param name="Message">Why it was refused, or what happened.</param>
/// <param name="RunId">The run concerned, when there is one.</param>
public sealed record ControlResult(bool Accepted, string State, string? Message = null, string? RunId = null);

/// <summary>
/// The body of <c>POST /api/training/start</c>: the <c>vigil train</c> options a client may set, in snake_case. Paths are
/// names the server resolves in its own folders (<c>dataset</c> among the datasets it offers, <c>output</c> under its
/// runs folder, <c>init_weights</c> in its weights folder), never arbitrary files. Any other field is refused.
/// </summary>
public sealed record TrainingStartRequest
{
    /// <summary>An organized dataset the server offers (its name, or the path <c>GET /api/training</c> lists).</summary>
    public string? Dataset { get; init; }

    /// <summary><c>supervised</c>, <c>unsupervised</c>, <c>hybrid</c> or <c>all</c>.</summary>
    public string? Phase { get; init; }

    /// <summary>Epochs to train.</summary>
    public int? Epochs { get; init; }

    /// <summary>Images per batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Input image side, pixels.</summary>
    public int? ImageSize { get; init; }

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string? Device { get; init; }

    /// <summary>The run folder's name (or a relative path) under the server's runs folder.</summary>
    public string? Output { get; init; }

    /// <summary>Resume from the last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>EfficientNet variant: b0, b1, b2, b3 or tiny.</summary>
    public string? Model { get; init; }

    /// <summary>A <c>.safetensors</c> file name in the server's weights folder to start the classifier from.</summary>
    public string? InitWeights { get; init; }

    /// <summary>Images the VAE learns normality from: normal, unlabeled or both.</summary>
    public string? VaeData { get; init; }

    /// <summary>Fit the hybrid ensemble weights on the validation split (the default; kept for scripts).</summary>
    public bool? FitWeights { get; init; }

    /// <summary>Keep the strategy's preset ensemble weights instead of fitting them on validation.</summary>
    public bool? PresetWeights { get; init; }

    /// <summary>Share of each VAE batch, its worst-reconstructed images, left out of the loss (0 = off).</summary>
    public double? VaeTrim { get; init; }

    /// <summary>How the VAE part scores an image, e.g. <c>learned-anomaly-map</c> or <c>error-plus-latent</c>.</summary>
    public string? VaeScore { get; init; }

    /// <summary>Epochs of the VAE's anomaly head (0: no head).</summary>
    public int? HeadEpochs { get; init; }

    /// <summary>Train the anomaly head on normal images only, not on the labeled anomalies too.</summary>
    public bool? HeadIgnoreLabels { get; init; }

    /// <summary>f1, youden or sensitivity:S.</summary>
    public string? ThresholdMethod { get; init; }

    /// <summary>Critical classes and their sensitivity, e.g. <c>Tumor=0.99</c>.</summary>
    public string? Critical { get; init; }

    /// <summary>Peak learning rate of the classifier.</summary>
    public double? Lr { get; init; }

    /// <summary>off or fixmatch: whether the classifier also learns from the unlabeled images.</summary>
    public string? SemiSupervised { get; init; }

    /// <summary>Draw classes equally often.</summary>
    public bool? BalancedSampling { get; init; }

    /// <summary>default, light or none.</summary>
    public string? Augment { get; init; }

    /// <summary>Turn augmentation off.</summary>
    public bool? NoAugment { get; init; }

    /// <summary>Allow horizontal flips in augmentation.</summary>
    public bool? Hflip { get; init; }

    /// <summary>Random-erasing probability.</summary>
    public double? Erase { get; init; }

    /// <summary>Test-time augmentation: none or hflip.</summary>
    public string? Tta { get; init; }

    /// <summary>Early-stopping patience in epochs (0 = off).</summary>
    public int? Patience { get; init; }

    /// <summary>Seed of weights, data order and augmentation.</summary>
    public int? Seed { get; init; }

    /// <summary>Stop each epoch after N batches.</summary>
    public int? MaxBatches { get; init; }

    /// <summary>CPU threads for libtorch.</summary>
    public int? Threads { get; init; }

    /// <summary>Fields the request carried that are none of the above; the start route refuses the request when there are any.</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }

    /// <summary>The fields a request may carry, as JSON names (read from this type, so the list cannot drift), for messages.</summary>
    public static IReadOnlyList<string> FieldNames => Names.Value;

    private static readonly Lazy<IReadOnlyList<string>> Names = new(() =>
        MonitoringJson.Options.GetTypeInfo(typeof(TrainingStartRequest)).Properties
            .Where(p => p.PropertyType != typeof(Dictionary<string, JsonElement>))
            .Select(p => p.Name).ToList());
}

/// <summary>Starts a training run for <see cref="InProcessTrainingController"/>; returns the new run's id.</summary>
/// <param name="request">What to train.</param>
/// <param name="cancellationToken">Cancels the launch (not the run).</param>
public delegate Task<string> TrainingLauncher(TrainingStartRequest request, CancellationToken cancellationToken);

/// <summary>
/// Thrown by a <see cref="TrainingLauncher"/> when the start request cannot be run as asked (unknown dataset, bad
/// option…); <c>POST /api/training/start</c> answers 400 with the message.
/// </summary>
public sealed class InvalidTrainingRequestException(string message) : Exception(message);
