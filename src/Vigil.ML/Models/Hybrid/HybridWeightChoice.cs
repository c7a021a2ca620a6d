using System.Globalization;
using Vigil.Core.Metrics;

namespace Vigil.ML.Models.Hybrid;

/// <summary>
/// How the hybrid's weights were decided on validation, each part's validation AUROC, and what the run tells the
/// user about it. Built by <see cref="Decide"/>.
/// </summary>
/// <param name="SupervisedWeight">w_sup.</param>
/// <param name="ReconstructionWeight">w_vae = 1 − w_sup.</param>
/// <param name="Method"><c>fitted</c> (grid on validation), <c>preset</c> (the strategy's), <c>part_dropped</c> (a part near chance got 0) or <c>single_part</c>.</param>
/// <param name="SupervisedAuroc">The classifier's validation AUROC (normal vs anomalous), or null when undefined.</param>
/// <param name="ReconstructionAuroc">The VAE's validation AUROC, or null.</param>
/// <param name="Notes">Plain sentences for the log and metrics.json.</param>
public sealed record HybridWeightChoice(double SupervisedWeight, double ReconstructionWeight, string Method,
    double? SupervisedAuroc, double? ReconstructionAuroc, IReadOnlyList<string> Notes)
{
    /// <summary>A part whose validation AUROC is below this is treated as useless (near chance or inverted) and gets weight 0.</summary>
    public const double MinUsefulAuroc = 0.55;
    /// <summary>Below this a part's ranking is called inverted rather than near chance.</summary>
    public const double InvertedBelow = 0.45;

    /// <summary>
    /// Decides the weights: a part whose validation AUROC is under <see cref="MinUsefulAuroc"/> gets weight 0 (when the
    /// other part is better); otherwise the grid fit of <see cref="HybridWeightFitter"/> when <paramref name="fit"/>,
    /// else the preset. Without labeled normal and anomalous validation images both, the preset stays and the notes say
    /// that nothing could be checked.
    /// </summary>
    /// <param name="supervised">1 − P(normal) per labeled validation image, or null without a classifier.</param>
    /// <param name="reconstruction">The calibrated VAE score per labeled validation image, or null without a VAE.</param>
    /// <param name="isAnomaly">Truth per image.</param>
    /// <param name="presetSupervised">The strategy's weight of the classifier.</param>
    /// <param name="fit">Fit on validation (the default) or keep the preset for parts that are not near chance.</param>
    public static HybridWeightChoice Decide(IReadOnlyList<double>? supervised, IReadOnlyList<double>? reconstruction,
        IReadOnlyList<bool> isAnomaly, double presetSupervised, bool fit)
    {
        ArgumentNullException.ThrowIfNull(isAnomaly);
        var labels = isAnomaly.Select(a => a ? 1 : 0).ToArray();
        bool rankable = labels.Distinct().Count() == 2;
        double? Auc(IReadOnlyList<double>? s) => s is null || !rankable ? null : Finite(BinaryMetrics.Auroc(s.ToArray(), labels));
        double? aucSup = Auc(supervised), aucVae = Auc(reconstruction);
        HybridWeightChoice Make(double wSup, string method, params string[] notes) => new(wSup, 1 - wSup, method, aucSup, aucVae, notes);

        if (supervised is null || reconstruction is null)
        {
            string part = supervised is null ? "VAE" : "classifier";
            var auc = supervised is null ? aucVae : aucSup;
            var notes = auc is { } a && a < MinUsefulAuroc
                ? new[] { $"the {part}'s score is {Kind(a)} on validation (AUROC {F(a)}) and it is the only part: the detector is unreliable; label more images or check the normal class" }
                : [];
            return Make(supervised is null ? 0 : 1, "single_part", notes);
        }
        if (aucSup is not { } s || aucVae is not { } v)
            return Make(presetSupervised, "preset",
                $"validation has no labeled normal and anomalous images both, so neither part's quality can be checked: the weights stay at the preset {F2(presetSupervised)}/{F2(1 - presetSupervised)}");

        bool weakSup = s < MinUsefulAuroc, weakVae = v < MinUsefulAuroc;
        if (weakVae && !weakSup)
            return Make(1, "part_dropped", $"the VAE's score is {Kind(v)} on validation (AUROC {F(v)}): its weight is set to 0; the hybrid uses the classifier alone (validation AUROC {F(s)})");
        if (weakSup && !weakVae)
            return Make(0, "part_dropped", $"the classifier's score is {Kind(s)} on validation (AUROC {F(s)}): its weight is set to 0; the hybrid uses the VAE alone (validation AUROC {F(v)})");
        var fitted = HybridWeightFitter.Fit(supervised, reconstruction, isAnomaly);
        if (weakSup && weakVae)
            return Make(fitted.SupervisedWeight, "fitted",
                $"neither part ranks validation images better than chance (classifier AUROC {F(s)}, VAE AUROC {F(v)}): the detector is unreliable; label more images or check the normal class");
        var (chosen, tolerance) = WithinOneStandardError(fitted, labels);
        string ties = chosen.SupervisedWeight == fitted.SupervisedWeight ? ""
            : $"; the best on validation, {F2(fitted.SupervisedWeight)} / {F2(fitted.ReconstructionWeight)} with {F(fitted.Auroc)}, is within one standard error ({F(tolerance)}) of it, so the weights nearest 0.5 / 0.5 are kept";
        return fit
            ? Make(chosen.SupervisedWeight, "fitted", $"weights fitted on validation: classifier {F2(chosen.SupervisedWeight)} / VAE {F2(1 - chosen.SupervisedWeight)} " +
                                                       $"(validation AUROC classifier {F(s)}, VAE {F(v)}, hybrid {F(chosen.Auroc)}{ties})")
            : Make(presetSupervised, "preset", $"weights kept at the preset classifier {F2(presetSupervised)} / VAE {F2(1 - presetSupervised)} " +
                                               $"(validation AUROC classifier {F(s)}, VAE {F(v)}; fitting them would give {F(fitted.Auroc)})");
    }

    /// <summary>
    /// Of the grid's weights, those whose validation AUROC is within one standard error of the best (Hanley–McNeil for
    /// the best AUROC and this many normal and anomalous images) are ties: a smaller validation set cannot tell them
    /// apart. The tie nearest 0.5 / 0.5 is kept, as the fitter keeps exact ties, so that neither part is pushed out on
    /// the strength of a few images; a validation set holding only the anomaly classes the classifier was taught would
    /// otherwise hand it almost all the weight (Fashion-MNIST with 1 % labels: 0.95, docs/benchmarks.md).
    /// </summary>
    internal static (WeightTrial Chosen, double Tolerance) WithinOneStandardError(HybridWeightFit fitted, IReadOnlyList<int> labels)
    {
        double tolerance = BinaryMetrics.AurocStandardError(fitted.Auroc, labels);
        var best = new WeightTrial(fitted.SupervisedWeight, fitted.Auroc);
        if (!double.IsFinite(tolerance)) return (best, tolerance);
        var chosen = fitted.Grid.Where(t => double.IsFinite(t.Auroc) && t.Auroc >= fitted.Auroc - tolerance)
            .OrderBy(t => Math.Abs(t.SupervisedWeight - 0.5)).ThenByDescending(t => t.Auroc).FirstOrDefault(best);
        return (chosen, tolerance);
    }

    private static string Kind(double auroc) => auroc < InvertedBelow ? "inverted (it ranks normal images above anomalies)" : "near chance";
    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
