using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Runs;

/// <summary>
/// Picks the VAE's score kind on validation when validation can judge it: no single kind ranks every kind of anomaly
/// best (the learned map finds focal lesions that whole-image terms dilute; the latent terms find whole images unlike
/// the normals, which the map misses — docs/models.md), so with enough labeled normal and anomalous validation images
/// the run measures the candidates and keeps the best, as it fits the ensemble weights there. A score asked for with
/// <c>--vae-score</c> is kept; without such images the model's default stays.
/// <para>
/// With a classifier the candidates are judged by what they add to it: the validation AUROC of the hybrid at its best
/// weight. Candidates within one standard error of the best (Hanley–McNeil) are ties, which validation cannot settle;
/// when the anomaly head learned from the labeled anomalies, a tie goes to a score that does not read the head.
/// Validation holds only the classes the head was taught, so it cannot see that a head-read score ranks anomalies
/// nobody labeled worse, while those are what the VAE is in the hybrid for (the classifier covers the labeled ones).
/// Measured on Fashion-MNIST with 1 % labels: the head's score won on validation (0.962 against 0.873) and lost on the
/// unseen classes (0.900 against 0.958), docs/benchmarks.md.
/// </para>
/// </summary>
public static class VaeScoreChoice
{
    /// <summary>Labeled images of each side (normal, anomalous) validation needs before it may choose.</summary>
    public const int MinPerSide = 10;

    /// <summary>The kinds compared, in order of preference on a tie.</summary>
    public static readonly VaeScoreKind[] Candidates =
        [VaeScoreKind.LearnedMapOrLatent, VaeScoreKind.LearnedAnomalyMap, VaeScoreKind.ErrorPlusLatent];

    /// <summary>
    /// Measures the candidates <paramref name="vae"/> can compute on <paramref name="val"/> (in the hybrid with
    /// <paramref name="classifier"/> when there is one) and switches it to the best; <paramref name="headLearnedLabels"/>
    /// says whether the anomaly head was taught the labeled anomalies (Deep SAD-style).
    /// </summary>
    internal static void Apply(RunContext ctx, VaeModel vae, CachedSplit val, EfficientNetModel? classifier, bool headLearnedLabels)
    {
        var request = ctx.Request;
        if (request.VaeScore is not null) return;
        int normal = request.Dataset.NormalClassIndex;
        if (normal < 0) return;
        var positions = Enumerable.Range(0, val.Count).Where(p => val.Labels[p] >= 0).ToArray();
        var truth = positions.Select(p => val.Labels[p] == normal ? 0 : 1).ToArray();
        int anomalies = truth.Sum(), normals = truth.Length - anomalies;
        if (anomalies < MinPerSide || normals < MinPerSide) return;
        var kinds = Candidates.Where(vae.CanScore).ToList();
        if (kinds.Count < 2) return;
        int batch = Math.Max(32, request.BatchSize ?? 32);
        var scores = ModelScoring.VaeScoresByKind(vae, val, positions, batch, request.Compute.Device, kinds);
        var alone = kinds.ToDictionary(k => k, k => BinaryMetrics.Auroc(scores[k], truth));
        var judged = classifier is null ? alone : InHybrid(ctx, classifier, val, positions, truth, normal, scores);
        double top = kinds.Select(k => judged[k]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        if (!double.IsFinite(top)) return;
        double tolerance = classifier is null ? 0 : BinaryMetrics.AurocStandardError(top, anomalies, normals);
        var (best, labelFreeTie) = Choose(kinds, judged, double.IsFinite(tolerance) ? tolerance : 0, headLearnedLabels);
        var before = vae.EffectiveScore;
        vae.UseScore(best);

        string table = string.Join(", ", kinds.Select(k => classifier is null
            ? $"{k.ToText()} {alone[k]:F3}" : $"{k.ToText()} {alone[k]:F3} alone, {judged[k]:F3} in the hybrid"));
        string how = classifier is null ? "" : $"; ties within {tolerance:F3}, one standard error" +
            (labelFreeTie ? ", go to a score that does not read the anomaly head, which learned the labeled anomalies: validation cannot judge it on anomalies nobody labeled" : "");
        ctx.Log(best == before
            ? $"unsupervised: score {best.ToText()} kept, the best on {positions.Length:N0} labeled validation images ({table}){how}"
            : $"unsupervised: score {best.ToText()} chosen over {before.ToText()} on {positions.Length:N0} labeled validation images ({table}){how}");
    }

    /// <summary>
    /// The kind with the best validation AUROC in <paramref name="judged"/>; kinds within <paramref name="tolerance"/>
    /// of it are ties, settled for a kind that does not read the head when <paramref name="headLearnedLabels"/>, then by
    /// AUROC and the order of <paramref name="kinds"/>. <c>LabelFreeTie</c> says whether that preference decided.
    /// </summary>
    internal static (VaeScoreKind Best, bool LabelFreeTie) Choose(IReadOnlyList<VaeScoreKind> kinds, IReadOnlyDictionary<VaeScoreKind, double> judged,
        double tolerance, bool headLearnedLabels)
    {
        // Finite kinds, best first (ties in AUROC by the order of kinds).
        var ranked = kinds.Where(k => double.IsFinite(judged[k])).OrderByDescending(k => judged[k]).ToList();
        var tied = ranked.Where(k => judged[k] >= judged[ranked[0]] - tolerance).ToList();
        bool labelFree = headLearnedLabels && tied.Any(k => !k.NeedsHead()) && tied.Any(k => k.NeedsHead());
        var best = labelFree ? tied.First(k => !k.NeedsHead()) : tied[0];
        return (best, best != tied[0]);
    }

    // The validation AUROC of the hybrid at its best weight, for each kind's scores calibrated as the hybrid calibrates them.
    private static Dictionary<VaeScoreKind, double> InHybrid(RunContext ctx, EfficientNetModel classifier, CachedSplit val, int[] positions, int[] truth,
        int normal, Dictionary<VaeScoreKind, double[]> scores)
    {
        var request = ctx.Request;
        var probabilities = ModelScoring.Probabilities(classifier, val, positions, Math.Max(32, request.BatchSize ?? 32), request.Compute.Device, request.TestTimeFlip);
        var supervised = probabilities.Select(p => 1 - p[normal]).ToArray();
        var isAnomaly = truth.Select(t => t == 1).ToArray();
        var result = new Dictionary<VaeScoreKind, double>();
        foreach (var (kind, s) in scores)
        {
            var normalScores = s.Where((_, i) => truth[i] == 0).ToArray();
            var calibration = RobustLogisticCalibration.Fit(normalScores);
            var calibrated = s.Select(calibration.Map).ToArray();
            result[kind] = HybridWeightFitter.Fit(supervised, calibrated, isAnomaly).Auroc;
        }
        return result;
    }
}
