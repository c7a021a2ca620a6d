using Vigil.Core;
using Vigil.Core.Taxonomy;
using Vigil.ML.Data;
using Vigil.ML.Inference;

namespace Vigil.ML.Runs;

/// <summary>
/// The router's view of a dataset: every image, labeled or not, labeled with its route — the <c>region/modality</c>
/// pair of its CSV row. Images whose region or modality is unknown are left out (said in the log).
/// </summary>
internal static class RouteLabels
{
    /// <summary>The dataset relabeled by route, and the routes with their training images.</summary>
    /// <exception cref="UserInputException">A dataset has no region/modality at all, or there are fewer than two routes.</exception>
    public static (DatasetSpec Spec, IReadOnlyList<PackageRoute> Routes) Of(DatasetSpec spec, Action<string> log)
    {
        foreach (var part in spec.Parts)
        {
            var rows = part.Splits.Values.SelectMany(s => s.Rows).ToList();
            if (rows.Count > 0 && rows.All(r => !Known(r)))
                throw new UserInputException(
                    $"dataset '{part.Name}' gives no region and modality for its images (every row says '{AnatomicalRegion.Unknown}'), and the router " +
                    "learns its routes from those columns; organize it again with --region and --modality (e.g. --region chest --modality X-ray) " +
                    "or with a manifest that has region and modality columns.");
        }
        var train = spec.Split("train");
        var routes = train.Rows.Where(Known).GroupBy(Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PackageRoute(g.Key, g.First().Region, g.First().Modality, g.Count())).ToList();
        if (routes.Count < 2)
            throw new UserInputException(
                $"the training images hold {(routes.Count == 0 ? "no route" : $"one route only ({routes[0].Name})")}; a router needs at least two " +
                "region/modality pairs to choose between: add a --dataset of another organ or modality.");
        var names = routes.Select(r => r.Name).ToArray();
        var known = names.ToHashSet(StringComparer.Ordinal);
        var splits = new Dictionary<string, SplitSource>();
        foreach (var (name, split) in spec.Splits)
        {
            var kept = split.Rows.Where(r => Known(r) && known.Contains(Name(r))).Select(r => r with { Label = Name(r) }).ToList();
            int left = split.Rows.Count - kept.Count;
            if (left > 0) log($"router: {left:N0} {name} images left out (region or modality unknown, or a route with no training image)");
            if (kept.Count > 0) splits[name] = new SplitSource(name, kept, names, null, split.Origin);
        }
        // Caches of their own: the same split names hold other labels here, and a cache write removes older ones of its name.
        var routed = new DatasetSpec(spec.Folder, names, null, null, Path.Combine(spec.CacheFolder, "router"), splits, spec.Name, spec.Parts);
        return (routed, routes);
    }

    /// <summary>A row's route name.</summary>
    public static string Name(DatasetRow row) => $"{row.Region}/{row.Modality}";

    private static bool Known(DatasetRow row) =>
        !string.IsNullOrWhiteSpace(row.Region) && !string.IsNullOrWhiteSpace(row.Modality)
        && row.Region != AnatomicalRegion.Unknown && row.Modality != ImagingModality.Unknown;
}
