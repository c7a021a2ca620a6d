using Vigil.Core.Metrics;

namespace Vigil.ML.Models.Hybrid;

/// <summary>
/// Combines the two halves of the hybrid model into one anomaly score in [0, 1]:
/// <c>score = w_sup · (1 − P(normal)) + w_vae · S_vae</c>, where P(normal) is the classifier's softmax probability
/// of the normal class and S_vae the reconstruction error mapped to [0, 1] by <see cref="Calibration"/>. With only
/// one half available the score is that half alone (weight 1). The weights are stored normalised to sum to 1.
/// </summary>
public sealed record HybridScorer
{
    /// <summary>Creates a scorer.</summary>
    /// <param name="supervisedWeight">Weight of the classifier's score; ≥ 0.</param>
    /// <param name="reconstructionWeight">Weight of the VAE's calibrated score; ≥ 0.</param>
    /// <param name="calibration">Maps a reconstruction error to [0, 1]; needed whenever a VAE score is combined.</param>
    /// <exception cref="ArgumentException">A weight is negative or not finite, or both are 0.</exception>
    public HybridScorer(double supervisedWeight, double reconstructionWeight, RobustLogisticCalibration? calibration)
    {
        if (!(double.IsFinite(supervisedWeight) && supervisedWeight >= 0 && double.IsFinite(reconstructionWeight) && reconstructionWeight >= 0))
            throw new ArgumentException($"ensemble weights must be finite and non-negative (got {supervisedWeight}, {reconstructionWeight})");
        double sum = supervisedWeight + reconstructionWeight;
        if (sum <= 0) throw new ArgumentException("at least one ensemble weight must be positive");
        SupervisedWeight = supervisedWeight / sum;
        ReconstructionWeight = reconstructionWeight / sum;
        Calibration = calibration;
    }

    /// <summary>w_sup, in [0, 1].</summary>
    public double SupervisedWeight { get; }

    /// <summary>w_vae = 1 − w_sup.</summary>
    public double ReconstructionWeight { get; }

    /// <summary>Reconstruction error → [0, 1], fitted on normal validation errors; null for a classifier-only model.</summary>
    public RobustLogisticCalibration? Calibration { get; }

    /// <summary>The classifier's anomaly score: 1 − P(normal).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The probability is not in [0, 1].</exception>
    public static double SupervisedScore(double normalProbability)
    {
        if (!(normalProbability >= 0 && normalProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(normalProbability), normalProbability, "a probability must be in [0, 1]");
        return 1 - normalProbability;
    }

    /// <summary>The VAE's anomaly score: the calibrated error.</summary>
    /// <exception cref="InvalidOperationException">The scorer has no calibration.</exception>
    public double ReconstructionScore(double reconstructionError) =>
        (Calibration ?? throw new InvalidOperationException("this scorer has no reconstruction calibration; fit one on normal validation errors"))
        .Map(reconstructionError);

    /// <summary>Combines already-mapped scores in [0, 1]; a null part is absent and the other gets weight 1.</summary>
    /// <exception cref="ArgumentException">Both parts are absent.</exception>
    public double Combine(double? supervisedScore, double? reconstructionScore) => (supervisedScore, reconstructionScore) switch
    {
        ({ } s, { } r) => SupervisedWeight * s + ReconstructionWeight * r,
        ({ } s, null) => s,
        (null, { } r) => r,
        _ => throw new ArgumentException("an anomaly score needs a classifier score, a reconstruction score, or both"),
    };

    /// <summary>The score from raw outputs: P(normal) from the classifier and the VAE's reconstruction error, either may be null.</summary>
    public double Score(double? normalProbability, double? reconstructionError) =>
        Combine(normalProbability is { } p ? SupervisedScore(p) : null,
                reconstructionError is { } e ? ReconstructionScore(e) : null);
}
