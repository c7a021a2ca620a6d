using TorchSharp;
using Vigil.Core;

namespace Vigil.ML.Inference.Routing;

/// <summary>One model of a repository as its package describes it.</summary>
/// <param name="Role"><c>router</c>, <c>route</c> or <c>fallback</c>.</param>
/// <param name="Route">The route it serves (routes only).</param>
/// <param name="Model">Its path in the repository.</param>
/// <param name="Channels">Channels it reads images with.</param>
/// <param name="ImageSize">Side it resizes images to.</param>
/// <param name="Threshold">The threshold it decides with (the repository's, else the package's); null for the router.</param>
/// <param name="Parts">What it holds: <c>router</c>, or <c>classifier</c>/<c>vae</c>/<c>hybrid</c>.</param>
/// <param name="Classes">Its classes (the router's: its routes).</param>
public sealed record RepositoryModelInfo(string Role, string? Route, string Model, int Channels, int ImageSize, double? Threshold, string Parts, IReadOnlyList<string> Classes);

/// <summary>Something wrong (an error) or worth knowing (a note) about a repository.</summary>
public sealed record RepositoryProblem(string Where, string Message, bool IsError);

/// <summary>A repository's models and what is wrong with it.</summary>
/// <param name="Folder">The repository folder.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="RouterRoutes">The routes the router sends images to (empty when it cannot be read).</param>
/// <param name="Models">Every model that could be described.</param>
/// <param name="Problems">Errors and notes, in the order found.</param>
public sealed record RepositoryReport(string Folder, RepositoryManifest Manifest, IReadOnlyList<string> RouterRoutes, IReadOnlyList<RepositoryModelInfo> Models,
    IReadOnlyList<RepositoryProblem> Problems)
{
    /// <summary>True when nothing is an error.</summary>
    public bool Ok => Problems.All(p => !p.IsError);
}

/// <summary>
/// Verifies a repository (<c>vigil repository check</c>) or describes it from its package manifests alone
/// (<c>vigil repository list</c>). The check confirms that every file is there unchanged and loads, that the router is
/// a router and the others detectors, that every route of the router has a model or the fallback, that no model waits
/// on a route the router never chooses, and says where models read images differently (channels, sizes).
/// </summary>
public static class RepositoryCheck
{
    /// <summary>Describes the repository from its manifests, loading no weights; missing or unreadable packages become errors.</summary>
    /// <exception cref="UserInputException">The manifest itself is missing or invalid.</exception>
    public static RepositoryReport Describe(string folder) => Run(folder, load: null);

    /// <summary>Loads every model onto <paramref name="device"/> and reports what is wrong.</summary>
    /// <exception cref="UserInputException">The manifest itself is missing or invalid.</exception>
    public static RepositoryReport Check(string folder, torch.Device device) => Run(folder, device);

    private static RepositoryReport Run(string folder, torch.Device? load)
    {
        RepositoryManifest manifest = RepositoryFolder.Read(folder);
        var problems = new List<RepositoryProblem>();
        var models = new List<RepositoryModelInfo>();
        IReadOnlyList<string> routes = [];

        // A package's manifest, after checking the file (and, for a check, that its weights load).
        ModelPackageManifest? Open(string what, RepositoryEntry entry, bool router)
        {
            try
            {
                string path = RoutedDetector.Verified(folder, what, entry);
                ModelPackageManifest m = ModelPackage.ReadManifest(path);
                bool isRouter = m.Models.Router is not null;
                if (isRouter != router)
                {
                    problems.Add(new(what, router ? $"{entry.Model} is an anomaly detector, not a router; give a model from 'vigil train --phase router'."
                        : $"{entry.Model} is a router, not an anomaly detector; give a model from 'vigil train --phase all' (or supervised/unsupervised).", true));
                    return null;
                }
                if (load is { } device)
                {
                    if (router) Router.Load(path, device).Dispose();
                    else Detector.Load(path, device).Dispose();
                }
                return m;
            }
            catch (UserInputException e)
            {
                problems.Add(new(what, e.Message, true));
                return null;
            }
        }

        if (manifest.Router is not { } routerEntry)
            problems.Add(new("the router", $"the repository names no router; add one with 'vigil repository init {folder} --router ROUTER.vigil'.", true));
        else if (Open("the router", routerEntry, router: true) is { } r)
        {
            routes = r.Classes;
            models.Add(new RepositoryModelInfo("router", null, routerEntry.Model, r.Channels, r.ImageSize, null, "router", r.Classes));
        }
        foreach (var (what, route, entry) in RoutedDetector.Entries(manifest))
        {
            if (Open(what, entry, router: false) is not { } m) continue;
            string parts = (m.Models.Classifier is not null, m.Models.Vae is not null) switch { (true, true) => "hybrid", (true, false) => "classifier", _ => "vae" };
            double? threshold = entry.Threshold ?? m.Thresholds?.Default;
            models.Add(new RepositoryModelInfo(route is null ? "fallback" : "route", route, entry.Model, m.Channels, m.ImageSize, threshold, parts, m.Classes));
        }

        if (routes.Count > 0)
        {
            foreach (string route in routes.Where(r => !manifest.Routes.ContainsKey(r)))
                problems.Add(manifest.Fallback is null
                    ? new($"route \"{route}\"", $"the router sends images to {route}, but it has no model and there is no fallback; add one with 'vigil repository add {folder} --route {route} --model MODEL.vigil' (or --fallback).", true)
                    : new($"route \"{route}\"", "no model of its own: the fallback detects for it.", false));
            foreach (string route in manifest.Routes.Keys.Where(r => !routes.Contains(r)))
                problems.Add(new($"route \"{route}\"", $"the router never sends images to {route} (its routes: {string.Join(", ", routes)}); remove it or train the router on that data.", true));
        }
        var detectors = models.Where(m => m.Role != "router").ToList();
        if (detectors.Select(m => m.Channels).Distinct().Count() > 1)
            problems.Add(new("channels", "the models read images with different channels (" +
                string.Join(", ", detectors.Select(m => $"{m.Route ?? "fallback"} {m.Channels}")) +
                "); each converts its inputs itself, so an image works with any of them, but a 'pixels' tensor sent to the service must have the channels of the model its route picks.", false));
        return new RepositoryReport(folder, manifest, routes, models, problems);
    }
}
