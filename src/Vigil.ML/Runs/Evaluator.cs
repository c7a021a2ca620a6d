using TorchSharp;
using Vigil.Core.Metrics;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Runs;

/// <summary>Scores a split with a detector and computes every metric of <see cref="EvaluationReport"/>.</summary>
public static class Evaluator
{
    /// <summary>Evaluates the labeled images of a cached split whose class names are <paramref name="splitClasses"/>.</summary>
    public static (EvaluationReport Report, SplitScores Scores, int[] IsAnomaly) Evaluate(
        DetectorParts detector, CachedSplit data, IReadOnlyList<string> splitClasses, string splitName, int batchSize, torch.Device device)
    {
        var positions = Enumerable.Range(0, data.Count).Where(p => data.Labels[p] >= 0).ToArray();
        var names = positions.Select(p => splitClasses[(int)data.Labels[p]]).ToArray();
        string? normal = detector.NormalClass;
        var scores = SplitScores.Compute(detector, data, positions, batchSize, device);
        var isAnomaly = names.Select(n => n == normal ? 0 : 1).ToArray();
        var known = new HashSet<string>(detector.Classes);
        int anomalous = isAnomaly.Sum();

        var report = new EvaluationReport
        {
            Split = splitName, Images = positions.Length, Normal = positions.Length - anomalous, Anomalous = anomalous,
            Threshold = detector.Threshold, ThresholdMethod = detector.ThresholdMethod, VaeScore = detector.Vae?.EffectiveScore.ToText(),
        };
        // The verdict includes critical-class rules (as HybridDetector applies them): an image they flag counts as if
        // its score reached the threshold.
        var critical = CriticalClassRule.Indexed(detector.Critical, detector.Classes);
        var flagged = scores.Combined.Select((c, i) => c >= detector.Threshold
            || (scores.Probabilities is { } p && CriticalClassRule.Flagging(critical, k => p[i][k]) is not null)).ToArray();
        var verdictScores = scores.Combined.Select((c, i) => flagged[i] ? Math.Max(c, detector.Threshold) : c).ToArray();
        (int Images, double? Share) Detection(string name)
        {
            var of = Enumerable.Range(0, names.Length).Where(i => names[i] == name).ToArray();
            return (of.Length, of.Length > 0 ? of.Average(i => flagged[i] ? 1.0 : 0.0) : null);
        }
        report = report with
        {
            PerClassDetection = names.Distinct().Where(n => n != normal).Order(StringComparer.Ordinal).ToDictionary(n => n, n => Detection(n).Share!.Value),
            Critical = detector.Critical.ToDictionary(r => r.ClassName, r =>
            {
                var (images, sensitivity) = Detection(r.ClassName);
                return new CriticalClassReport(r.RequiredSensitivity, r.ProbabilityThreshold, sensitivity, images, sensitivity >= r.RequiredSensitivity);
            }),
        };
        if (normal is not null && anomalous > 0 && anomalous < positions.Length)
        {
            var summary = BinaryMetrics.Summarize(scores.Combined, isAnomaly);
            var point = BinaryMetrics.AtThreshold(verdictScores, isAnomaly, detector.Threshold);
            report = report with
            {
                Auroc = summary.Auroc, Aupr = summary.AveragePrecision, TprAtFpr = summary.TprAtFpr, F1 = point.F1,
                DetectionRate = point.Tpr, FalseAlarmRate = point.Fpr,
                AurocKnown = SubsetAuroc(scores.Combined, names, normal, n => known.Contains(n)),
                AurocUnknown = SubsetAuroc(scores.Combined, names, normal, n => !known.Contains(n)),
                ComponentAuroc = new Dictionary<string, double?>
                {
                    ["supervised"] = scores.Supervised is { } s ? Defined(BinaryMetrics.Auroc(s, isAnomaly)) : null,
                    ["reconstruction"] = scores.Errors is { } e ? Defined(BinaryMetrics.Auroc(e, isAnomaly)) : null,
                    ["hybrid"] = Defined(summary.Auroc),
                },
                ScoreDistribution = Distribution(scores.Combined, isAnomaly),
            };
        }
        if (scores.Probabilities is { } probs)
        {
            // Classification metrics over images whose class the classifier knows.
            var idx = Enumerable.Range(0, names.Length).Where(i => known.Contains(names[i])).ToArray();
            if (idx.Length > 0)
            {
                var truth = idx.Select(i => detector.Classes.ToList().IndexOf(names[i])).ToArray();
                var cls = ClassificationReport.FromProbabilities(idx.Select(i => probs[i]).ToArray(), truth, detector.Classes);
                report = report with { Accuracy = cls.Accuracy, PerClass = cls.PerClass, ConfusionMatrix = cls.ConfusionMatrix.ToRows(), ClassifierAuroc = cls.RocAucOvr };
            }
        }
        if (scores.VaeLoss is { } v)
            report = report with { Reconstruction = new Dictionary<string, double> { ["loss"] = v.Loss, ["reconstruction"] = v.Reconstruction, ["kl"] = v.Kl } };
        return (report, scores, isAnomaly);
    }

    /// <summary>
    /// AUROC (normal class against every other labeled class) of each score kind the detector's VAE can compute, on
    /// the labeled images of <paramref name="data"/>: how the scorers compare on the same model. Empty without a VAE
    /// or when the split does not hold both normal and anomalous images.
    /// </summary>
    public static Dictionary<string, double?> ScoreKindAuroc(DetectorParts detector, CachedSplit data, IReadOnlyList<string> splitClasses, int batchSize, torch.Device device)
    {
        var result = new Dictionary<string, double?>();
        var positions = Enumerable.Range(0, data.Count).Where(p => data.Labels[p] >= 0).ToArray();
        var isAnomaly = positions.Select(p => splitClasses[(int)data.Labels[p]] == detector.NormalClass ? 0 : 1).ToArray();
        if (detector.Vae is not { } vae || isAnomaly.Distinct().Count() < 2) return result;
        foreach (var (kind, scores) in ModelScoring.VaeScoresByKind(vae, data, positions, batchSize, device))
            result[kind.ToText()] = Defined(BinaryMetrics.Auroc(scores, isAnomaly));
        return result;
    }

    private static double? SubsetAuroc(double[] scores, string[] names, string normal, Func<string, bool> include)
    {
        var keep = Enumerable.Range(0, names.Length).Where(i => names[i] == normal || include(names[i])).ToArray();
        var labels = keep.Select(i => names[i] == normal ? 0 : 1).ToArray();
        if (labels.Distinct().Count() < 2) return null;
        return Defined(BinaryMetrics.Auroc(keep.Select(i => scores[i]).ToArray(), labels));
    }

    private static IReadOnlyDictionary<string, ScoreSummary> Distribution(double[] scores, int[] isAnomaly)
    {
        var result = new Dictionary<string, ScoreSummary>();
        var normal = scores.Where((_, i) => isAnomaly[i] == 0).ToArray();
        var anomalous = scores.Where((_, i) => isAnomaly[i] == 1).ToArray();
        if (normal.Length > 0) result["normal"] = Descriptive.Summarize(normal);
        if (anomalous.Length > 0) result["anomalous"] = Descriptive.Summarize(anomalous);
        return result;
    }

    private static double? Defined(double v) => double.IsFinite(v) ? v : null;
}
