using TorchSharp;
using Vigil.Core;
using Vigil.Imaging;

namespace Vigil.ML.Inference.Routing;

/// <summary>What a repository answers for one image: where the router sent it, and the chosen model's detection.</summary>
/// <param name="Route">The router's decision for the image (route, confidence, or why it is unroutable or unreadable).</param>
/// <param name="Detection">The specialised (or fallback) model's outcome; null when the image was not routed or no model serves its route.</param>
/// <param name="ModelRole">Which model detected: <c>route</c> (the route's own) or <c>fallback</c>; null when none did.</param>
/// <param name="Problem">Why no model detected a routed image (its route has no model and there is no fallback), or null.</param>
public sealed record RoutedOutcome(RouteDecision Route, DetectionOutcome? Detection, string? ModelRole, string? Problem = null)
{
    /// <summary>The input's path or name.</summary>
    public string Path => Route.Path;

    /// <summary>True when the router sent the image nowhere (read, but unlike every route or too uncertain).</summary>
    public bool IsUnroutable => Route.IsUnroutable;
}

/// <summary>
/// A multi-organ repository ready to detect (<see cref="RepositoryManifest"/>): each image goes to the router, then to
/// the specialised model of its route (or the fallback), which decides with the route's threshold. Images the router
/// finds unlike every route are answered unroutable, with the reason, and no model sees them. An input holding several
/// images (a volume) goes, whole, to the route most of its images were sent to, so every slice is judged by one model.
/// Models shared by several routes load once. Calls are served one at a time.
/// </summary>
public sealed class RoutedDetector : IDisposable
{
    // Inputs decoded together (for the router and the route's models): bounds the decoded images held at once, and is
    // large enough that each route's share still fills the models' batches (64 cost 25 % more time per image than 142).
    private const int DecodeChunk = 256;
    private readonly Dictionary<string, Detector> _byFile;
    private readonly Lock _gate = new();
    private readonly ImageReaderRegistry _registry = ImageReaderRegistry.CreateDefault();

    private RoutedDetector(string folder, RepositoryManifest manifest, Router router, Dictionary<string, Detector> byFile)
    {
        Folder = folder; Manifest = manifest; Router = router; _byFile = byFile;
    }

    /// <summary>The repository folder.</summary>
    public string Folder { get; }

    /// <summary>The repository's manifest.</summary>
    public RepositoryManifest Manifest { get; }

    /// <summary>The router.</summary>
    public Router Router { get; }

    /// <summary>The fallback model as loaded, or null when the repository has none.</summary>
    public Detector? Fallback => Manifest.Fallback is { } entry ? _byFile[entry.Model] : null;

    /// <summary>The model that detects for <paramref name="route"/> (its own, else the fallback), or null.</summary>
    public Detector? ModelFor(string route) => Manifest.ModelFor(route) is { } entry ? _byFile[entry.Model] : null;

    /// <summary>
    /// Loads the router and every model of the repository at <paramref name="folder"/> onto <paramref name="device"/>.
    /// </summary>
    /// <exception cref="UserInputException">The manifest is missing or invalid, it has no router, or a package is missing, changed since it was added, or cannot be loaded.</exception>
    public static RoutedDetector Load(string folder, torch.Device device)
    {
        RepositoryManifest manifest = RepositoryFolder.Read(folder);
        if (manifest.Router is not { } routerEntry)
            throw new UserInputException($"{RepositoryFolder.ManifestPath(folder)} names no router; add one with 'vigil repository init {folder} --router ROUTER.vigil'.");
        var loaded = new Dictionary<string, Detector>(StringComparer.Ordinal);
        Router? router = null;
        try
        {
            router = Router.Load(Verified(folder, "the router", routerEntry), device);
            foreach (var (what, _, entry) in Entries(manifest))
                if (!loaded.ContainsKey(entry.Model)) loaded[entry.Model] = Detector.Load(Verified(folder, what, entry), device);
            return new RoutedDetector(folder, manifest, router, loaded);
        }
        catch
        {
            router?.Dispose();
            foreach (var d in loaded.Values) d.Dispose();
            throw;
        }
    }

    /// <summary>Every detection model of the manifest with what it is: a route's (with its route), or the fallback (route null).</summary>
    public static IEnumerable<(string What, string? Route, RepositoryEntry Entry)> Entries(RepositoryManifest manifest)
    {
        foreach (var (route, entry) in manifest.Routes) yield return ($"route \"{route}\"", route, entry);
        if (manifest.Fallback is { } fallback) yield return ("the fallback", null, fallback);
    }

    /// <summary>The full path of an entry's package, after checking it exists and still has the hash it was added with.</summary>
    /// <exception cref="UserInputException">The file is missing or changed.</exception>
    public static string Verified(string folder, string what, RepositoryEntry entry)
    {
        string path = RepositoryFolder.Resolve(folder, entry.Model);
        if (!File.Exists(path))
            throw new UserInputException($"{what}: its model {entry.Model} is missing from {folder}; add it again with 'vigil repository add'.");
        string hash = RepositoryFolder.Sha256Of(path);
        if (!string.Equals(hash, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{what}: {entry.Model} changed since it was added (SHA-256 {hash[..12]}…, recorded {entry.Sha256[..12]}…); " +
                                         "if the change is intended, add the model again with 'vigil repository add'.");
        return path;
    }

    /// <summary>
    /// Routes and detects: one outcome per image, in input order. <paramref name="options"/>' threshold, when given,
    /// overrides every route's; otherwise each route decides with its repository threshold, else its package's.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled.</exception>
    public IReadOnlyList<RoutedOutcome> Detect(IReadOnlyList<DetectorInput> inputs, DetectOptions? options = null, RouteOptions? routing = null, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= DetectOptions.Default;
        lock (_gate)
        {
            var answers = new List<RoutedOutcome>(inputs.Count);
            // Each input is read once for the router and its route's model, a chunk at a time so that a long list of
            // files never holds every decoded image at once.
            foreach (DetectorInput[] chunk in inputs.Chunk(DecodeChunk))
                answers.AddRange(DetectDecoded(chunk.Select(i => i.DecodedOnce(_registry, Router.ReadOptions, token)).ToList(), options, routing, token));
            return answers;
        }
    }

    // Routes and detects inputs already decoded (DecodedOnce): the body of Detect for one chunk.
    private List<RoutedOutcome> DetectDecoded(IReadOnlyList<DetectorInput> inputs, DetectOptions options, RouteOptions? routing, CancellationToken token)
    {
        IReadOnlyList<RouteDecision> decisions = Router.Route(inputs, routing, token);
        // The router answers per image in input order; an input's images are consecutive and share its name.
        var perInput = new List<List<RouteDecision>>(inputs.Count);
        int next = 0;
        foreach (DetectorInput input in inputs)
        {
            var mine = new List<RouteDecision>();
            while (next < decisions.Count && decisions[next].Path == input.Name && (mine.Count == 0 || mine[0].Image is not null)) mine.Add(decisions[next++]);
            perInput.Add(mine);
        }

        // Each input to the route most of its routed images chose (ties: the more confident), then one Detect per model.
        var chosen = perInput.Select(Choose).ToArray();
        var detections = new Dictionary<int, IReadOnlyList<DetectionOutcome>>();
        foreach (var group in Enumerable.Range(0, inputs.Count).Where(i => chosen[i] is not null).GroupBy(i => chosen[i]!))
        {
            if (Manifest.ModelFor(group.Key) is not { } entry) continue;
            Detector model = _byFile[entry.Model];
            var routeOptions = options with { Threshold = options.Threshold ?? entry.Threshold };
            var indices = group.ToList();
            var outcomes = model.Detect(indices.Select(i => inputs[i]).ToList(), routeOptions, token);
            // Outcomes come per image in order; split them back by input name.
            int at = 0;
            foreach (int i in indices)
            {
                var mine = new List<DetectionOutcome>();
                while (at < outcomes.Count && outcomes[at].Path == inputs[i].Name && (mine.Count == 0 || mine[0].Image is not null)) mine.Add(outcomes[at++]);
                detections[i] = mine;
            }
        }

        var answers = new List<RoutedOutcome>(decisions.Count);
        for (int i = 0; i < inputs.Count; i++)
            foreach (RouteDecision decision in perInput[i])
            {
                if (chosen[i] is not { } route || decision.Error is not null || decision.IsUnroutable)
                {
                    answers.Add(new RoutedOutcome(decision, null, null));
                    continue;
                }
                // An image of a volume sent elsewhere than its own vote still carries the volume's route.
                var routed = decision.Route == route ? decision : decision with { Route = route };
                if (Manifest.ModelFor(route) is null)
                {
                    answers.Add(new RoutedOutcome(routed, null, null, $"route {route} has no model in this repository and there is no fallback"));
                    continue;
                }
                var detection = detections[i].FirstOrDefault(d => d.Image == decision.Image);
                answers.Add(new RoutedOutcome(routed, detection, Manifest.Routes.ContainsKey(route) ? "route" : "fallback"));
            }
        return answers;
    }

    /// <summary>
    /// <see cref="Detect"/>'s answers as detection outcomes carrying their route (for callers that take one model's
    /// outcomes, such as the inference service): an unroutable image has <see cref="DetectionOutcome.Unroutable"/> set
    /// and no score; an image no model could judge has <see cref="DetectionOutcome.Error"/> set.
    /// </summary>
    public IReadOnlyList<DetectionOutcome> DetectOutcomes(IReadOnlyList<DetectorInput> inputs, DetectOptions? options = null, CancellationToken token = default) =>
        Detect(inputs, options, token: token).Select(o =>
        {
            RouteDecision r = o.Route;
            double? confidence = r.Error is null ? r.Confidence : null;
            return o.Detection is { } d
                ? d with { Route = r.Route, RouteConfidence = confidence, RouteModel = o.ModelRole }
                : new DetectionOutcome { Path = r.Path, Image = r.Image, Route = r.Route, RouteConfidence = confidence, Unroutable = r.UnroutableReason, Error = r.Error ?? o.Problem };
        }).ToList();

    /// <summary>The classes of the repository's models, in order of first appearance (route models first, then the fallback).</summary>
    public IReadOnlyList<string> Classes => Entries(Manifest).SelectMany(e => _byFile[e.Entry.Model].Parts.Classes).Distinct().ToList();

    /// <summary>Whether any model of the repository has a classifier (so images get a class).</summary>
    public bool AnyClassifier => _byFile.Values.Any(d => d.Parts.Classifier is not null);

    /// <summary>Whether any model of the repository has a VAE (so images can get an error map).</summary>
    public bool AnyVae => _byFile.Values.Any(d => d.Parts.Vae is not null);

    private static string? Choose(List<RouteDecision> decisions) =>
        decisions.Where(d => d.Route is not null).GroupBy(d => d.Route!)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Average(d => d.Confidence)).Select(g => g.Key).FirstOrDefault();

    /// <summary>Disposes the router and the models.</summary>
    public void Dispose()
    {
        Router.Dispose();
        foreach (Detector d in _byFile.Values) d.Dispose();
    }
}

/// <summary>
/// One row of <c>vigil detect --repository</c>: the route and its calibrated confidence, the model that detected
/// (<c>route</c> or <c>fallback</c>), then the fields of <see cref="DetectRow"/>; for an unroutable image, the reason instead.
/// </summary>
public sealed record RoutedDetectRow(string Path, string? Image, string? Route, double? RouteConfidence, string? Model, bool? IsAnomaly,
    int? PredictedClass, string? PredictedClassName, double? Confidence, double? AnomalyScore, double? SupervisedScore, double? ReconstructionScore,
    string? Heatmap, string? CriticalClass, string? Unroutable, string? Error)
{
    /// <summary>The row of one outcome of <see cref="RoutedDetector.DetectOutcomes"/>.</summary>
    public static RoutedDetectRow From(DetectionOutcome d) => new(d.Path, d.Image, d.Route, d.RouteConfidence, d.RouteModel, d.IsAnomaly,
        d.PredictedClass, d.PredictedClassName, d.Confidence, d.AnomalyScore, d.SupervisedScore, d.ReconstructionScore,
        d.OverlayPath, d.CriticalClass, d.Unroutable, d.Error);

    /// <summary>The rows split as <c>vigil detect --repository</c> and the service print them: routed first, then the unroutable apart.</summary>
    public static (List<RoutedDetectRow> Routed, List<RoutedDetectRow> Unroutable) Split(IEnumerable<RoutedDetectRow> rows)
    {
        var all = rows.ToList();
        return (all.Where(r => r.Unroutable is null).ToList(), all.Where(r => r.Unroutable is not null).ToList());
    }
}
