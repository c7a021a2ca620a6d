using TorchSharp;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.Hybrid;

namespace Vigil.ML.Runs;

/// <summary>Every per-image output of a detector over a split (only the images at the given positions).</summary>
/// <param name="Positions">Positions in the cached split.</param>
/// <param name="Probabilities">Classifier probabilities, or null without a classifier.</param>
/// <param name="Errors">VAE reconstruction scores, or null without a VAE.</param>
/// <param name="Supervised">P(anomaly) = 1 − P(normal), or null.</param>
/// <param name="Reconstruction">Calibrated reconstruction score in [0,1], or null.</param>
/// <param name="Combined">Hybrid anomaly score.</param>
/// <param name="VaeLoss">Mean VAE loss parts over these images, or null.</param>
public sealed record SplitScores(int[] Positions, double[][]? Probabilities, double[]? Errors, double[]? Supervised, double[]? Reconstruction,
    double[] Combined, VaeOutputs? VaeLoss)
{
    /// <summary>Runs the detector's models over the split.</summary>
    public static SplitScores Compute(DetectorParts detector, CachedSplit data, IReadOnlyList<int> positions, int batchSize, torch.Device device)
    {
        var pos = positions.ToArray();
        double[][]? probs = detector.Classifier is { } c ? ModelScoring.Probabilities(c, data, pos, batchSize, device, detector.TestTimeFlip) : null;
        VaeOutputs? vae = detector.Vae is { } v ? ModelScoring.Vae(v, data, pos, batchSize, device, 1.0) : null;
        int normal = detector.NormalIndex;
        double[]? supervised = probs is null || normal < 0 ? null : probs.Select(p => 1 - p[normal]).ToArray();
        // Without a calibration (while assembling) only raw errors exist; the draft's combined score then uses the
        // classifier alone, or the raw error when there is no classifier (a VAE-only run). A classifier without a
        // normal class and without a VAE has no anomaly score at all (see HybridDetector.NoAnomalyScore).
        double[]? reconstruction = vae is null || detector.Scorer.Calibration is null ? null : vae.Scores.Select(e => detector.Scorer.ReconstructionScore(e)).ToArray();
        var combined = new double[pos.Length];
        for (int i = 0; i < pos.Length; i++)
            combined[i] = supervised is null && reconstruction is null
                ? vae?.Scores[i] ?? HybridDetector.NoAnomalyScore
                : detector.Scorer.Combine(supervised?[i], reconstruction?[i]);
        return new SplitScores(pos, probs, vae?.Scores, supervised, reconstruction, combined, vae);
    }
}
