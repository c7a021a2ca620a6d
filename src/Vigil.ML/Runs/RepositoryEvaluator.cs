using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Inference.Routing;

namespace Vigil.ML.Runs;

/// <summary>AUROC of the repository and of the generalist on the same images (null where a side has no score or one class only).</summary>
public sealed record RouteComparison(string Route, int Images, int Anomalous, double? AurocRepository, double? AurocGeneralist);

/// <summary>What <c>vigil evaluate --repository</c> measures on a split of one or more datasets.</summary>
/// <param name="Split">The split evaluated.</param>
/// <param name="Images">Images whose route is known (region and modality given).</param>
/// <param name="RoutingAccuracy">Share of those sent to their own route (an unroutable or unreadable image counts as wrong).</param>
/// <param name="Unroutable">Share of those the router refused.</param>
/// <param name="Routes">The confusion matrix's rows (true routes); its columns are these plus <c>unroutable</c>.</param>
/// <param name="RoutingMatrix">Counts [true route][predicted route or unroutable].</param>
/// <param name="PerRoute">Anomaly AUROC per true route, repository against generalist.</param>
/// <param name="Overall">Anomaly AUROC over every labeled image the repository judged (scores of different models pooled).</param>
/// <param name="Generalist">The generalist model compared against, or null.</param>
public sealed record RepositoryEvaluation(string Split, int Images, double RoutingAccuracy, double Unroutable, IReadOnlyList<string> Routes,
    IReadOnlyList<IReadOnlyList<int>> RoutingMatrix, IReadOnlyList<RouteComparison> PerRoute, RouteComparison Overall, string? Generalist);

/// <summary>
/// Evaluates a multi-organ repository on the images of a dataset split: how well the router sends each image to its
/// own route (accuracy, confusion matrix), and how well the chosen models then detect anomalies, per route and
/// overall, against a single generalist model on exactly the same images when one is given.
/// </summary>
public static class RepositoryEvaluator
{
    /// <summary>The column of the routing matrix for images sent nowhere.</summary>
    public const string UnroutableColumn = "unroutable";

    /// <summary>Evaluates <paramref name="repository"/> (and <paramref name="generalist"/>) on <paramref name="split"/> of <paramref name="spec"/>.</summary>
    /// <exception cref="Core.UserInputException">The split has no image with a known route.</exception>
    public static RepositoryEvaluation Evaluate(RoutedDetector repository, Detector? generalist, string? generalistName, DatasetSpec spec, string split,
        CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(spec);
        var rows = spec.Splits.TryGetValue(split, out var source)
            ? source.Rows.Where(r => r.Region != Core.Taxonomy.AnatomicalRegion.Unknown && r.Modality != Core.Taxonomy.ImagingModality.Unknown).ToList()
            : [];
        if (rows.Count == 0)
            throw new Core.UserInputException($"the '{split}' split has no image whose region and modality are known, so routing cannot be checked.");
        var inputs = rows.Select(r => DetectorInput.File(r.Path)).ToList();
        IReadOnlyList<RoutedOutcome> routed = repository.Detect(inputs, token: token);
        IReadOnlyList<DetectionOutcome>? plain = generalist?.Detect(inputs, token: token);

        var truth = rows.Select(r => $"{r.Region}/{r.Modality}").ToArray();
        var routes = truth.Concat(repository.Router.Routes).Distinct().Order(StringComparer.Ordinal).ToList();
        var columns = routes.Append(UnroutableColumn).ToList();
        var matrix = routes.Select(_ => new int[columns.Count]).ToArray();
        int right = 0, refused = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            string predicted = routed[i].Route.Route ?? UnroutableColumn;
            matrix[routes.IndexOf(truth[i])][columns.IndexOf(predicted)]++;
            if (predicted == truth[i]) right++;
            if (routed[i].IsUnroutable) refused++;
        }

        // Anomaly ranking needs labels: the images with a label, against the split's normal class.
        string? normal = spec.NormalClass;
        var labeled = Enumerable.Range(0, rows.Count).Where(i => rows[i].Label is not null && normal is not null).ToList();
        RouteComparison Compare(string name, IEnumerable<int> which)
        {
            var set = which.ToList();
            int[] y = set.Select(i => rows[i].Label == normal ? 0 : 1).ToArray();
            double? Auroc(Func<int, double?> score)
            {
                var kept = set.Select((row, k) => (Score: score(row), Y: y[k])).Where(p => p.Score is { } s && double.IsFinite(s)).ToList();
                if (kept.Select(p => p.Y).Distinct().Count() < 2) return null;
                return BinaryMetrics.Auroc(kept.Select(p => p.Score!.Value).ToArray(), kept.Select(p => p.Y).ToArray());
            }
            return new RouteComparison(name, set.Count, y.Count(v => v == 1), Auroc(i => routed[i].Detection?.AnomalyScore),
                plain is null ? null : Auroc(i => plain[i].AnomalyScore));
        }
        var perRoute = routes.Select(r => Compare(r, labeled.Where(i => truth[i] == r))).Where(c => c.Images > 0).ToList();
        return new RepositoryEvaluation(split, rows.Count, right / (double)rows.Count, refused / (double)rows.Count, routes,
            matrix.Select(r => (IReadOnlyList<int>)r).ToList(), perRoute, Compare("all", labeled), generalistName);
    }
}
