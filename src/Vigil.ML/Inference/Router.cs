using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Vigil.Core;
using Vigil.Core.Metrics;
using Vigil.Imaging;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Routing;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Inference;

/// <summary>
/// A trained router (<c>vigil train --phase router</c>) ready to route: it reads each input as its training read the
/// images (the package's preprocessing, through the same <see cref="ImageBatcher"/> as <see cref="Detector"/>), and
/// answers per image the route (a region/modality pair), a calibrated confidence and an out-of-distribution score. An
/// image unlike every route, or one it cannot decide on, is <see cref="RouteDecision.IsUnroutable"/> with the reason,
/// never routed with false confidence. Calls are served one at a time.
/// </summary>
public sealed class Router : IDisposable
{
    private readonly EfficientNetModel _classifier;
    private readonly MahalanobisDistance _ood;
    private readonly ImageReaderRegistry _registry = ImageReaderRegistry.CreateDefault();
    private readonly Device _device;
    private readonly Lock _gate = new();

    private Router(string path, ModelPackageManifest manifest, PackageRouter config, EfficientNetModel classifier, MahalanobisDistance ood,
        ImageReadOptions readOptions, Device device)
    {
        Path = path; Manifest = manifest; Config = config; _classifier = classifier; _ood = ood; ReadOptions = readOptions; _device = device;
        Calibration = new TemperatureScaling(config.Temperature);
    }

    /// <summary>The package file.</summary>
    public string Path { get; }

    /// <summary>The package's manifest.</summary>
    public ModelPackageManifest Manifest { get; }

    /// <summary>The router's section of the manifest: routes, temperature, OOD threshold, minimum confidence.</summary>
    public PackageRouter Config { get; }

    /// <summary>The route names (<c>region/modality</c>), in output order.</summary>
    public IReadOnlyList<string> Routes => Manifest.Classes;

    /// <summary>The temperature the confidences are computed with.</summary>
    public TemperatureScaling Calibration { get; }

    /// <summary>How inputs are read (slice axis, DICOM values), as training read its images.</summary>
    public ImageReadOptions ReadOptions { get; }

    /// <summary>
    /// Opens the router package at <paramref name="path"/> and rebuilds it on <paramref name="device"/> (the CPU when
    /// null).
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, not a Vigil model, not a router, damaged, or needs a preprocessing this Vigil lacks.</exception>
    public static Router Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new UserInputException($"router file '{path}' does not exist; train one with 'vigil train --phase router' (it writes <run>/model.vigil).");
        TorchNative.EnsureLoaded();
        device ??= CPU;
        try
        {
            using var reader = ModelPackage.Open(path);
            var m = reader.Manifest;
            var config = m.Models.Router ?? throw new UserInputException(
                $"model file '{path}' is not a router (it holds {(m.Models.Classifier is null && m.Models.Vae is null ? "no known model" : "an anomaly detector")}); " +
                "train a router with 'vigil train --phase router --dataset A --dataset B'.");
            var readOptions = (m.Preprocessing ?? PackagePreprocessing.Default).ToReadOptions(path);
            var classifier = ModelFactory.Classifier(EfficientNetScaling.FromName(config.Variant), m.Channels, m.Classes.Count, m.Normalization, device);
            var ood = new MahalanobisDistance(m.Classes.Count, config.FeatureDim).to(device);
            reader.LoadWeights("router", classifier);
            reader.LoadWeights("router_ood", ood);
            classifier.eval();
            ood.eval();
            return new Router(path, m, config, classifier, ood, readOptions, device);
        }
        catch (ModelPackageException e) { throw new UserInputException($"router file '{path}' cannot be used: {e.Message}", e); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidDataException)
        {
            throw new UserInputException($"router file '{path}' is damaged or not a Vigil model: {e.Message}", e);
        }
    }

    /// <summary>Routes image files; see <see cref="Route(IReadOnlyList{DetectorInput}, RouteOptions?, CancellationToken)"/>.</summary>
    public IReadOnlyList<RouteDecision> Route(IReadOnlyList<string> paths, RouteOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Route(paths.Select(DetectorInput.File).ToList(), options, token);
    }

    /// <summary>
    /// One decision per image, in input order (an input holding several images gives one per image). An input that
    /// cannot be read gives one decision with <see cref="RouteDecision.Error"/> set, and the others are still routed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The options' batch size is below 1 or the minimum confidence outside [0, 1].</exception>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    public IReadOnlyList<RouteDecision> Route(IReadOnlyList<DetectorInput> inputs, RouteOptions? options = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new RouteOptions();
        options.Validate();
        int size = Manifest.ImageSize, channels = Manifest.Channels;
        var decisions = new List<RouteDecision>();
        lock (_gate)
        {
            foreach (var group in ImageBatcher.Groups(_registry, inputs, ReadOptions, size, channels, options.BatchSize, token))
            {
                if (group[0].Error is { } error)
                {
                    decisions.Add(new RouteDecision { Path = group[0].Path, Error = error });
                    continue;
                }
                using var scope = NewDisposeScope();
                var scored = Score(ImageBatcher.ToTensor(group, size, channels, _device), options);
                for (int i = 0; i < group.Count; i++)
                    decisions.Add(scored[i] with { Path = group[i].Path, Image = group[i].Key == "" ? null : group[i].Key });
            }
        }
        return decisions;
    }

    /// <summary>
    /// Routes a batch already converted to the router's input (<see cref="ModelPackageManifest.ImageSize"/>²,
    /// <see cref="ModelPackageManifest.Channels"/> channels, values in [0, 1]): for a caller that reads images once and
    /// routes and detects on them. The decisions carry no path.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is not [B, channels, size, size].</exception>
    public IReadOnlyList<RouteDecision> Route(Tensor images, RouteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        options ??= new RouteOptions();
        options.Validate();
        if (images.dim() != 4 || images.shape[1] != Manifest.Channels || images.shape[2] != Manifest.ImageSize || images.shape[3] != Manifest.ImageSize)
            throw new ArgumentException($"the router takes images [B, {Manifest.Channels}, {Manifest.ImageSize}, {Manifest.ImageSize}], not [{string.Join(", ", images.shape)}]", nameof(images));
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            return Score(images.to(_device), options);
        }
    }

    private RouteDecision[] Score(Tensor batch, RouteOptions options)
    {
        using var noGrad = no_grad();
        var (features, statistics) = _classifier.ForwardWithStatistics(batch, Config.OodStages);
        var logits = _classifier.Classifier.forward(features).to(CPU).to_type(ScalarType.Float64);
        var distance = _ood.forward(statistics).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
        int k = Routes.Count;
        var flat = logits.data<double>().ToArray();
        double oodThreshold = options.OodThreshold ?? Config.OodThreshold, minConfidence = options.MinConfidence ?? Config.MinConfidence;
        var result = new RouteDecision[distance.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var p = Calibration.Probabilities(flat.AsSpan(i * k, k));
            int top = 0;
            for (int j = 1; j < k; j++) if (p[j] > p[top]) top = j;
            string? reason = null;
            // The OOD test comes first: a far-away image's confidence means nothing.
            if (!(distance[i] <= oodThreshold))
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"looks unlike any route the router was trained on (OOD score {distance[i]:F1} > threshold {oodThreshold:F1})");
            else if (p[top] < minConfidence)
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"low confidence: {p[top]:P0} for {Routes[top]}, below the router's minimum of {minConfidence:P0}");
            result[i] = new RouteDecision
            {
                Path = "", Route = reason is null ? Routes[top] : null, NearestRoute = Routes[top], Confidence = p[top], OodScore = distance[i],
                UnroutableReason = reason, RouteProbabilities = Routes.Select((r, j) => (r, p[j])).ToDictionary(t => t.r, t => t.Item2),
            };
        }
        return result;
    }

    /// <summary>Disposes the models.</summary>
    public void Dispose()
    {
        _classifier.Dispose();
        _ood.Dispose();
    }
}

/// <summary>Per-call settings of <see cref="Router.Route(IReadOnlyList{DetectorInput}, RouteOptions?, CancellationToken)"/>.</summary>
public sealed record RouteOptions
{
    /// <summary>Images scored at once.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Overrides the package's OOD threshold (null keeps it).</summary>
    public double? OodThreshold { get; init; }

    /// <summary>Overrides the package's minimum confidence (null keeps it).</summary>
    public double? MinConfidence { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Batch size below 1, or minimum confidence outside [0, 1].</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        if (MinConfidence is { } c && c is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinConfidence), c, "the minimum confidence is a probability in [0, 1]");
    }
}

/// <summary>Where the router sends one image, or why it sends it nowhere.</summary>
public sealed record RouteDecision
{
    /// <summary>The input's path or name.</summary>
    public required string Path { get; init; }

    /// <summary>The image inside the input (a frame or slice key), or null for a single-image input.</summary>
    public string? Image { get; init; }

    /// <summary>The route (<c>region/modality</c>), or null when unroutable or unreadable.</summary>
    public string? Route { get; init; }

    /// <summary>The most probable route even when the image is unroutable (null when unreadable).</summary>
    public string? NearestRoute { get; init; }

    /// <summary>Calibrated probability of <see cref="NearestRoute"/>.</summary>
    public double Confidence { get; init; }

    /// <summary>Squared Mahalanobis distance of the image's features to the nearest route (higher: less like any route).</summary>
    public double OodScore { get; init; }

    /// <summary>Why the image is unroutable, in words; null when it was routed (or unreadable).</summary>
    public string? UnroutableReason { get; init; }

    /// <summary>True when the image was read but matches no route well enough (<see cref="UnroutableReason"/> says why).</summary>
    public bool IsUnroutable => Error is null && UnroutableReason is not null;

    /// <summary>Calibrated probability of every route.</summary>
    public IReadOnlyDictionary<string, double> RouteProbabilities { get; init; } = new Dictionary<string, double>();

    /// <summary>Why the input could not be read, or null.</summary>
    public string? Error { get; init; }
}
