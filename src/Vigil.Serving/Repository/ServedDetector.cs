using TorchSharp;
using Vigil.ML.Inference;
using Vigil.ML.Inference.Routing;

namespace Vigil.Serving.Repository;

/// <summary>
/// What a served version detects with: one model package (<see cref="Detector"/>), or a multi-organ repository
/// (<see cref="RoutedDetector"/>: a router and a model per route) served as one model, as Triton serves an ensemble.
/// A repository's images carry their route; its threshold is each route's own unless a request gives one.
/// </summary>
public sealed class ServedDetector : IDisposable
{
    private ServedDetector(Detector? model, RoutedDetector? repository)
    {
        Model = model;
        Repository = repository;
    }

    /// <summary>One model package.</summary>
    public static ServedDetector Of(Detector model) => new(model ?? throw new ArgumentNullException(nameof(model)), null);

    /// <summary>A multi-organ repository.</summary>
    public static ServedDetector Of(RoutedDetector repository) => new(null, repository ?? throw new ArgumentNullException(nameof(repository)));

    /// <summary>
    /// Loads what <paramref name="path"/> names onto <paramref name="device"/>: a <c>model.vigil</c>, or a repository's
    /// <c>repository.json</c> (its folder holds the router and the models).
    /// </summary>
    /// <exception cref="Core.UserInputException">The package or repository is missing, invalid, changed or cannot be loaded.</exception>
    public static ServedDetector Load(string path, torch.Device device) =>
        Path.GetFileName(path) == RepositoryManifest.FileName
            ? Of(RoutedDetector.Load(Path.GetDirectoryName(Path.GetFullPath(path))!, device))
            : Of(Detector.Load(path, device));

    /// <summary>The single model, or null for a repository.</summary>
    public Detector? Model { get; }

    /// <summary>The repository, or null for a single model.</summary>
    public RoutedDetector? Repository { get; }

    /// <summary>Channels a <c>pixels</c> tensor is read with (a repository's: its router's).</summary>
    public int Channels => Model?.Manifest.Channels ?? Repository!.Router.Manifest.Channels;

    /// <summary>Side images are resized to (a repository's: its router's).</summary>
    public int ImageSize => Model?.Manifest.ImageSize ?? Repository!.Router.Manifest.ImageSize;

    /// <summary>The package's threshold; null for a repository, whose routes each have their own.</summary>
    public double? Threshold => Model?.Threshold;

    /// <summary>How the threshold was chosen, or <c>per route</c>.</summary>
    public string ThresholdMethod => Model?.ThresholdMethod ?? "per route";

    /// <summary>The class names images can be given.</summary>
    public IReadOnlyList<string> Classes => Model?.Parts.Classes ?? Repository!.Classes;

    /// <summary>Whether images get a class.</summary>
    public bool HasClassifier => Model is { } m ? m.Parts.Classifier is not null : Repository!.AnyClassifier;

    /// <summary>Whether images can get an error map.</summary>
    public bool HasVae => Model is { } m ? m.Parts.Vae is not null : Repository!.AnyVae;

    /// <summary>Detects: one outcome per image, in order; a repository's carry their route or why they are unroutable.</summary>
    public IReadOnlyList<DetectionOutcome> Detect(IReadOnlyList<DetectorInput> inputs, DetectOptions options, CancellationToken token) =>
        Model is { } model ? model.Detect(inputs, options, token) : Repository!.DetectOutcomes(inputs, options, token);

    /// <summary>Disposes the models.</summary>
    public void Dispose()
    {
        Model?.Dispose();
        Repository?.Dispose();
    }
}
