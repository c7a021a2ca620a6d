using TorchSharp;
using Vigil.Core;
using Vigil.Imaging;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Inference;

/// <summary>
/// A trained model ready to detect: it reads each input as training read its images (the package's preprocessing),
/// scores in batches without gradients, decides with the package's threshold or the one a call gives, and writes
/// error-map overlays when asked. <c>vigil detect</c>, <c>vigil demo</c>, <c>vigil evaluate</c> and the inference
/// service all go through it, so they all answer the same for the same image. Calls are served one at a time.
/// </summary>
public sealed class Detector : IDisposable
{
    private readonly HybridDetector _detector;
    private readonly ImageReaderRegistry _registry = ImageReaderRegistry.CreateDefault();
    private readonly torch.Device _device;
    private readonly Lock _gate = new();

    /// <summary>Wraps a loaded package; the detector takes over its models (disposing the detector disposes them).</summary>
    /// <param name="loaded">The package, loaded onto <paramref name="device"/>.</param>
    /// <param name="device">Where the models are and the batches go.</param>
    public Detector(LoadedDetector loaded, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(device);
        Loaded = loaded;
        _device = device;
        _detector = loaded.Detector;
    }

    /// <summary>
    /// Opens the model package at <paramref name="path"/> and rebuilds its models on <paramref name="device"/>; the VAE
    /// scores by the package's kind, or by <paramref name="score"/> when given (see <see cref="DetectorLoader.Load"/>).
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, not a Vigil model, damaged, needs a preprocessing this Vigil lacks, or cannot score by <paramref name="score"/>.</exception>
    public static Detector Load(string path, torch.Device device, VaeScoreKind? score = null) => new(DetectorLoader.Load(path, device, score), device);

    /// <summary>The package as loaded: manifest, models, scorer, read options.</summary>
    public LoadedDetector Loaded { get; }

    /// <summary>The package's manifest.</summary>
    public ModelPackageManifest Manifest => Loaded.Manifest;

    /// <summary>The models, class list, scorer and threshold, as training evaluated them.</summary>
    public DetectorParts Parts => Loaded.Parts;

    /// <summary>The package's threshold, used when a call gives none.</summary>
    public double Threshold => Loaded.Parts.Threshold;

    /// <summary>How the package's threshold was chosen (e.g. <c>youden</c>).</summary>
    public string ThresholdMethod => Loaded.Parts.ThresholdMethod;

    /// <summary>How inputs are read (slice axis, DICOM values), as training read its images.</summary>
    public ImageReadOptions ReadOptions => Loaded.ReadOptions;

    /// <summary>Detects on image files; see <see cref="Detect(IReadOnlyList{DetectorInput}, DetectOptions?, CancellationToken)"/>.</summary>
    public IReadOnlyList<DetectionOutcome> Detect(IReadOnlyList<string> paths, DetectOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Detect(paths.Select(DetectorInput.File).ToList(), options, token);
    }

    /// <summary>
    /// One outcome per image, in input order (an input holding several images gives one per image). An input that
    /// cannot be read gives one outcome with <see cref="DetectionOutcome.Error"/> set, and the others are still detected.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The options' threshold is outside [0, 1] or the batch size below 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    public IReadOnlyList<DetectionOutcome> Detect(IReadOnlyList<DetectorInput> inputs, DetectOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= DetectOptions.Default;
        options.Validate();
        double threshold = options.Threshold ?? Threshold;
        if (options.OverlayFolder is { } folder) Directory.CreateDirectory(folder);
        int size = Manifest.ImageSize, channels = Manifest.Channels;
        var outcomes = new List<DetectionOutcome>();
        lock (_gate)
        {
            foreach (var group in ImageBatcher.Groups(_registry, inputs, ReadOptions, size, channels, options.BatchSize, token))
            {
                if (group[0].Error is { } error)
                {
                    outcomes.Add(new DetectionOutcome { Path = group[0].Path, Error = error });
                    continue;
                }
                using var scope = torch.NewDisposeScope();
                // DetectAnomaly runs the models under no_grad; the scope frees the batch and whatever it made.
                var batch = ImageBatcher.ToTensor(group, size, channels, _device);
                var results = _detector.DetectAnomaly(batch, threshold);
                for (int i = 0; i < group.Count; i++) outcomes.Add(Outcome(group[i], results[i], options, size, channels));
            }
        }
        return outcomes;
    }

    /// <summary>Disposes the models.</summary>
    public void Dispose()
    {
        Loaded.Parts.Classifier?.Dispose();
        Loaded.Parts.Vae?.Dispose();
    }

    private static DetectionOutcome Outcome(PreparedImage image, DetectionResult r, DetectOptions options, int size, int channels)
    {
        ErrorMap? map = r.ErrorMap is { } values ? new ErrorMap(r.ErrorMapHeight, r.ErrorMapWidth, values) : null;
        return new DetectionOutcome
        {
            Path = image.Path, Image = image.Key == "" ? null : image.Key,
            IsAnomaly = r.IsAnomaly, PredictedClass = r.PredictedClass, PredictedClassName = r.PredictedClassName, Confidence = r.Confidence,
            AnomalyScore = r.AnomalyScore, SupervisedScore = r.SupervisedScore, ReconstructionScore = r.ReconstructionScore, CriticalClass = r.CriticalClass,
            ClassProbabilities = r.ClassProbabilities,
            ErrorMap = options.ErrorMaps ? map : null,
            OverlayPath = options.OverlayFolder is { } folder && map is not null ? ErrorMapOverlay.Write(folder, image, map, size, channels) : null,
        };
    }
}
