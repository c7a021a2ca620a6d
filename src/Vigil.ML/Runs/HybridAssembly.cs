using System.Globalization;
using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Runs;

/// <summary>
/// The hybrid phase: from the trained classifier and/or VAE, the reconstruction calibration, the ensemble weights, the
/// threshold and the critical-class rules, all fitted on validation; the result is what the package stores.
/// </summary>
internal static class HybridAssembly
{
    // Fits the reconstruction calibration on validation normals, picks ensemble weights and the threshold.
    public static DetectorParts Assemble(RunContext ctx, EfficientNetModel? classifier, VaeModel? vae, CachedSplit val, double presetSupervised,
        out HybridWeightChoice choice)
    {
        var request = ctx.Request;
        var spec = request.Dataset;
        int normal = spec.NormalClassIndex;
        int batch = request.BatchSize!.Value;
        var device = request.Compute.Device;
        var all = Enumerable.Range(0, val.Count).ToArray();
        var draft = new DetectorParts(classifier, vae, spec.Classes, spec.NormalClass, new HybridScorer(1, 0, null), 0.5, "draft", TestTimeFlip: request.TestTimeFlip);
        var raw = SplitScores.Compute(draft, val, all, batch, device);

        RobustLogisticCalibration? calibration = null;
        if (raw.Errors is { } errors)
        {
            // Normals = validation images of the normal class, else the unlabeled ones (what the VAE learned as normal).
            var normalErrors = all.Where(i => normal >= 0 ? val.Labels[i] == normal : val.Labels[i] < 0).Select(i => errors[i]).ToArray();
            if (normalErrors.Length < 2) normalErrors = errors;
            calibration = RobustLogisticCalibration.Fit(normalErrors);
        }
        var labeled = all.Where(i => val.Labels[i] >= 0 && normal >= 0).ToArray();
        var truth = labeled.Select(i => val.Labels[i] == normal ? 0 : 1).ToArray();
        bool canRank = truth.Distinct().Count() == 2;

        // Each part's validation AUROC decides its weight: one near chance or inverted is dropped, not kept at a preset.
        var supervised = raw.Supervised is { } sup ? labeled.Select(i => sup[i]).ToArray() : null;
        var reconstruction = raw.Errors is { } err && calibration is not null ? labeled.Select(i => calibration.Map(err[i])).ToArray() : null;
        choice = HybridWeightChoice.Decide(supervised, reconstruction, truth.Select(t => t == 1).ToArray(), presetSupervised, request.FitWeights);
        if (choice.SupervisedAuroc is not null || choice.ReconstructionAuroc is not null)
            ctx.Log($"hybrid: validation AUROC classifier {Describe(choice.SupervisedAuroc)}, VAE {Describe(choice.ReconstructionAuroc)}");
        foreach (var note in choice.Notes) ctx.Log($"hybrid: {note}");
        double wSup = choice.SupervisedWeight;
        var scorer = new HybridScorer(wSup, 1 - wSup, calibration);
        var scored = SplitScores.Compute(draft with { Scorer = scorer }, val, all, batch, device);

        double threshold; string method;
        if (canRank)
        {
            var s = labeled.Select(i => scored.Combined[i]).ToArray();
            var point = request.Threshold.Method switch
            {
                "youden" => ThresholdSelection.MaxYoudenJ(s, truth),
                "sensitivity" => ThresholdSelection.ForSensitivity(s, truth, request.Threshold.Sensitivity!.Value),
                _ => ThresholdSelection.MaxF1(s, truth),
            };
            threshold = point.Threshold; method = request.Threshold.ToString();
        }
        else
        {
            // No labeled anomalies to rank: allow 5 % false alarms on the normals.
            var s = scored.Combined;
            threshold = ThresholdSelection.ForFalseAlarmRate(s, new int[s.Length], 0.05).Threshold;
            method = "false_alarm:0.05";
        }
        ctx.Log($"hybrid: threshold {threshold:F4} ({method})");
        var critical = CriticalRules(ctx, val, scored, threshold);
        return new DetectorParts(classifier, vae, spec.Classes, spec.NormalClass, scorer, threshold, method, critical, request.TestTimeFlip);
    }

    /// <summary>
    /// For each critical class, the highest classifier-probability threshold with which (score ≥ global threshold) OR
    /// (P(class) ≥ it) flags the required share of the class's validation images: images the global threshold already
    /// catches are not asked of the rule, so it adds as few false alarms as it can.
    /// </summary>
    private static List<CriticalClassRule> CriticalRules(RunContext ctx, CachedSplit val, SplitScores scored, double threshold)
    {
        var rules = new List<CriticalClassRule>();
        var spec = ctx.Request.Dataset;
        if (ctx.Request.CriticalSensitivity.Count == 0) return rules;
        var probs = scored.Probabilities ?? throw new Core.UserInputException("--critical needs the classifier; train the supervised phase (--phase all).");
        foreach (var (name, required) in ctx.Request.CriticalSensitivity)
        {
            int k = spec.Classes.ToList().IndexOf(name);
            var images = Enumerable.Range(0, val.Count).Where(i => val.Labels[i] == k).ToArray();
            if (images.Length == 0)
                throw new Core.UserInputException($"--critical class '{name}' has no validation images, so its sensitivity cannot be checked; add labeled images of it or leave it out.");
            int needed = (int)Math.Ceiling(required * images.Length - 1e-9);
            var missed = images.Where(i => scored.Combined[i] < threshold).Select(i => probs[i][k]).OrderDescending().ToArray();
            int more = needed - (images.Length - missed.Length);
            // Flag the `more` most probable of the missed ones; 1.0 when the global threshold already meets the requirement.
            double t = more <= 0 ? 1.0 : missed[more - 1];
            rules.Add(new CriticalClassRule(name, required, t));
            double reached = images.Average(i => scored.Combined[i] >= threshold || probs[i][k] >= t ? 1.0 : 0.0);
            ctx.Log($"hybrid: critical {name}: also flag when P({name}) ≥ {t:F4}; validation sensitivity {reached:P1} of {images.Length} images (required {required:P1})");
        }
        return rules;
    }

    private static string Describe(double? auroc) => auroc is { } a ? a.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
