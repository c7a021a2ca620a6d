using Vigil.Core.Metrics;

namespace Vigil.ML.Models.Hybrid;

/// <summary>
/// Chooses the ensemble weights (<c>--fit-weights</c>) by grid search over w_sup = 0, step, …, 1 (w_vae = 1 − w_sup),
/// maximising the AUROC of the combined score on labelled validation images. AUROC, not accuracy: it does not
/// depend on a threshold, which is chosen afterwards on the combined score.
/// </summary>
public static class HybridWeightFitter
{
    /// <summary>Default grid step.</summary>
    public const double DefaultStep = 0.05;

    // AUROCs this close are ties (they are ratios of integer counts, so true differences are much larger).
    private const double TieTolerance = 1e-12;

    /// <summary>Searches the grid.</summary>
    /// <param name="supervisedScores">1 − P(normal) per validation image.</param>
    /// <param name="reconstructionScores">Calibrated VAE score per validation image.</param>
    /// <param name="isAnomaly">Ground truth per image: true for anomalies.</param>
    /// <param name="step">Grid step; 1/step must be a whole number.</param>
    /// <returns>
    /// The best weights. Ties go to the weight nearest 0.5, so neither part is silently discarded when it does not
    /// hurt; with a single class in the labels (AUROC undefined) that means 0.5/0.5.
    /// </returns>
    /// <exception cref="ArgumentException">Lengths differ, the lists are empty, or the step is not 1/n.</exception>
    public static HybridWeightFit Fit(IReadOnlyList<double> supervisedScores, IReadOnlyList<double> reconstructionScores,
        IReadOnlyList<bool> isAnomaly, double step = DefaultStep)
    {
        ArgumentNullException.ThrowIfNull(supervisedScores);
        ArgumentNullException.ThrowIfNull(reconstructionScores);
        ArgumentNullException.ThrowIfNull(isAnomaly);
        int n = isAnomaly.Count;
        if (n == 0 || supervisedScores.Count != n || reconstructionScores.Count != n)
            throw new ArgumentException($"need the same, non-zero number of supervised scores ({supervisedScores.Count}), reconstruction scores ({reconstructionScores.Count}) and labels ({n})");
        double intervals = 1 / step;
        int count = (int)Math.Round(intervals);
        if (!(step > 0 && step <= 1) || Math.Abs(intervals - count) > 1e-9)
            throw new ArgumentException($"grid step {step} must divide 1 into whole intervals (e.g. 0.05)", nameof(step));

        int[] labels = isAnomaly.Select(a => a ? 1 : 0).ToArray();
        var combined = new double[n];
        var grid = new List<WeightTrial>(count + 1);
        WeightTrial best = default;
        bool haveBest = false;
        for (int i = 0; i <= count; i++)
        {
            // i / count rather than i · step: exact grid values (0.35, not 0.35000000000000003).
            double w = (double)i / count;
            for (int k = 0; k < n; k++) combined[k] = w * supervisedScores[k] + (1 - w) * reconstructionScores[k];
            double auroc = BinaryMetrics.Auroc(combined, labels);
            var trial = new WeightTrial(w, auroc);
            grid.Add(trial);
            if (!haveBest || Better(trial, best))
            {
                best = trial;
                haveBest = true;
            }
        }
        return new HybridWeightFit(best.SupervisedWeight, 1 - best.SupervisedWeight, best.Auroc, grid);
    }

    private static bool Better(WeightTrial candidate, WeightTrial best)
    {
        double a = double.IsNaN(candidate.Auroc) ? double.NegativeInfinity : candidate.Auroc;
        double b = double.IsNaN(best.Auroc) ? double.NegativeInfinity : best.Auroc;
        if (a > b + TieTolerance) return true;
        bool tie = Math.Abs(a - b) <= TieTolerance || (double.IsNegativeInfinity(a) && double.IsNegativeInfinity(b));
        return tie && Math.Abs(candidate.SupervisedWeight - 0.5) < Math.Abs(best.SupervisedWeight - 0.5);
    }
}
