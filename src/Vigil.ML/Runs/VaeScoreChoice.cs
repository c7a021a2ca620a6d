using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Runs;

/// <summary>
/// Picks the VAE's score kind on validation when validation can judge it: no single kind ranks every kind of anomaly
/// best (the learned map finds focal lesions that whole-image terms dilute; the latent terms find whole images unlike
/// the normals, which the map misses — docs/models.md), so with enough labeled normal and anomalous validation images
/// the run measures the candidates and keeps the best, as it fits the ensemble weights there. A score asked for with
/// <c>--vae-score</c> is kept; without such images the model's default stays.
/// </summary>
public static class VaeScoreChoice
{
    /// <summary>Labeled images of each side (normal, anomalous) validation needs before it may choose.</summary>
    public const int MinPerSide = 10;

    /// <summary>The kinds compared, in order of preference on a tie.</summary>
    public static readonly VaeScoreKind[] Candidates =
        [VaeScoreKind.LearnedMapOrLatent, VaeScoreKind.LearnedAnomalyMap, VaeScoreKind.ErrorPlusLatent];

    /// <summary>Measures the candidates <paramref name="vae"/> can compute on <paramref name="val"/> and switches it to the best.</summary>
    internal static void Apply(RunContext ctx, VaeModel vae, CachedSplit val)
    {
        if (ctx.Request.VaeScore is not null) return;
        int normal = ctx.Request.Dataset.NormalClassIndex;
        if (normal < 0) return;
        var positions = Enumerable.Range(0, val.Count).Where(p => val.Labels[p] >= 0).ToArray();
        var truth = positions.Select(p => val.Labels[p] == normal ? 0 : 1).ToArray();
        int anomalies = truth.Sum(), normals = truth.Length - anomalies;
        if (anomalies < MinPerSide || normals < MinPerSide) return;
        var kinds = Candidates.Where(vae.CanScore).ToList();
        if (kinds.Count < 2) return;
        var scores = ModelScoring.VaeScoresByKind(vae, val, positions, Math.Max(32, ctx.Request.BatchSize ?? 32), ctx.Request.Compute.Device, kinds);
        var auroc = kinds.ToDictionary(k => k, k => BinaryMetrics.Auroc(scores[k], truth));
        var best = kinds.Where(k => double.IsFinite(auroc[k])).OrderByDescending(k => auroc[k]).ThenBy(k => kinds.IndexOf(k)).FirstOrDefault(vae.EffectiveScore);
        var before = vae.EffectiveScore;
        vae.UseScore(best);
        string table = string.Join(", ", kinds.Select(k => $"{k.ToText()} {auroc[k]:F3}"));
        ctx.Log(best == before
            ? $"unsupervised: score {best.ToText()} kept, the best on {positions.Length:N0} labeled validation images ({table})"
            : $"unsupervised: score {best.ToText()} chosen over {before.ToText()} on {positions.Length:N0} labeled validation images ({table})");
    }
}
