using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>Per-image outputs of the VAE over a split.</summary>
/// <param name="Scores">Anomaly score (the VAE's configured reconstruction score) per image.</param>
/// <param name="Loss">Mean per-image loss (reconstruction + KL at β).</param>
/// <param name="Reconstruction">Mean reconstruction part.</param>
/// <param name="Kl">Mean KL part.</param>
public sealed record VaeOutputs(double[] Scores, double Loss, double Reconstruction, double Kl);

/// <summary>Runs trained models over a cached split in evaluation mode, batch by batch, without gradients.</summary>
public static class ModelScoring
{
    /// <summary>
    /// Softmax probabilities [N][classes] of the classifier for the images at <paramref name="positions"/>; with
    /// <paramref name="averageHorizontalFlip"/>, averaged with the mirrored images' (see <see cref="ClassifierProbabilities"/>).
    /// </summary>
    public static double[][] Probabilities(EfficientNetModel model, CachedSplit data, IReadOnlyList<int> positions, int batchSize, Device device,
        bool averageHorizontalFlip = false)
    {
        model.eval();
        var result = new double[positions.Count][];
        var loader = new BatchLoader(data, LoaderOptions.Evaluation(batchSize) with { Device = device }, positions.ToArray());
        int i = 0;
        using var _ = no_grad();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var probs = ClassifierProbabilities.Of(model, batch.Images, averageHorizontalFlip).to(CPU).to_type(ScalarType.Float64);
                var flat = probs.data<double>().ToArray();
                int k = (int)probs.shape[1];
                for (int b = 0; b < batch.Size; b++) result[i++] = flat.AsSpan(b * k, k).ToArray();
            }
        return result;
    }

    /// <summary>
    /// Logits [N][classes] and the leading stages' statistics [N, D] (<see cref="EfficientNetModel.ForwardWithStatistics"/>,
    /// float32, CPU) of the classifier for the images at <paramref name="positions"/>: what the router's calibration and
    /// out-of-distribution statistics are fitted on.
    /// </summary>
    public static (double[][] Logits, Tensor Statistics) LogitsAndStatistics(EfficientNetModel model, CachedSplit data, IReadOnlyList<int> positions,
        int leadingStages, int batchSize, Device device)
    {
        model.eval();
        var logits = new List<double[]>(positions.Count);
        var statistics = new List<Tensor>();
        var loader = new BatchLoader(data, LoaderOptions.Evaluation(batchSize) with { Device = device }, positions.ToArray());
        using var _ = no_grad();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                var (features, stats) = model.ForwardWithStatistics(batch.Images, leadingStages);
                using var z = model.Classifier.forward(features).to(CPU).to_type(ScalarType.Float64);
                var flat = z.data<double>().ToArray();
                int k = (int)z.shape[1];
                for (int b = 0; b < batch.Size; b++) logits.Add(flat.AsSpan(b * k, k).ToArray());
                statistics.Add(stats.to(CPU).DetachFromDisposeScope());
                features.Dispose();
                stats.Dispose();
            }
        var all = cat(statistics, 0).DetachFromDisposeScope();
        foreach (var f in statistics) f.Dispose();
        return ([.. logits], all);
    }

    /// <summary>VAE scores and losses for the images at <paramref name="positions"/>.</summary>
    public static VaeOutputs Vae(VaeModel model, CachedSplit data, IReadOnlyList<int> positions, int batchSize, Device device, double beta)
    {
        model.eval();
        var scores = new double[positions.Count];
        double loss = 0, recon = 0, kl = 0; int i = 0, batches = 0;
        var loader = new BatchLoader(data, LoaderOptions.Evaluation(batchSize) with { Device = device }, positions.ToArray());
        using var _ = no_grad();
        foreach (var batch in loader.Epoch(0))
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var (reconstruction, mu, logVar) = model.forward(batch.Images);
                var parts = VaeModel.Loss(batch.Images, reconstruction, mu, logVar, beta);
                loss += parts.Total.item<float>(); recon += parts.Reconstruction.item<float>(); kl += parts.Kl.item<float>(); batches++;
                var s = model.ReconstructionError(batch.Images).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
                s.CopyTo(scores, i); i += s.Length;
            }
        batches = Math.Max(1, batches);
        return new VaeOutputs(scores, loss / batches, recon / batches, kl / batches);
    }

    /// <summary>
    /// Scores of the images at <paramref name="positions"/> by every kind the VAE can compute now
    /// (<see cref="VaeModel.CanScore"/>), or by those of <paramref name="only"/> it can, from the same weights: to
    /// compare score kinds on one trained model.
    /// </summary>
    public static Dictionary<VaeScoreKind, double[]> VaeScoresByKind(VaeModel model, CachedSplit data, IReadOnlyList<int> positions, int batchSize, Device device,
        IReadOnlyList<VaeScoreKind>? only = null)
    {
        model.eval();
        var kinds = (only ?? Enum.GetValues<VaeScoreKind>()).Where(model.CanScore).ToArray();
        var scores = kinds.ToDictionary(k => k, _ => new List<double>(positions.Count));
        var loader = new BatchLoader(data, LoaderOptions.Evaluation(batchSize) with { Device = device }, positions.ToArray());
        foreach (var batch in loader.Epoch(0))
            using (batch)
                foreach (var kind in kinds)
                    using (var t = model.ReconstructionError(batch.Images, kind).to(CPU).to_type(ScalarType.Float64))
                        scores[kind].AddRange(t.data<double>().ToArray());
        return scores.ToDictionary(p => p.Key, p => p.Value.ToArray());
    }
}
