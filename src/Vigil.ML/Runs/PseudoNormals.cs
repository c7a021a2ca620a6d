using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>
/// Strategy B's second use of the unlabeled images: once the classifier has learned from them, the ones it calls
/// normal with confidence join the labeled normals in the VAE's training (when the VAE is trained after the
/// classifier) and in its latent statistics (the Mahalanobis distance and the bank of normal codes). With a few dozen
/// labeled normals the VAE describes normality poorly; the unlabeled
/// pool holds thousands more normals, mixed with anomalies the VAE must not learn as normal, and the classifier's
/// confident predictions tell them apart.
/// </summary>
internal static class PseudoNormals
{
    /// <summary>
    /// Positions in <paramref name="train"/> of its unlabeled images whose probability of class
    /// <paramref name="normalIndex"/> is at least <paramref name="threshold"/>.
    /// </summary>
    public static int[] Select(EfficientNetModel classifier, CachedSplit train, int normalIndex, double threshold, int batchSize, Device? device,
        CancellationToken cancellation = default)
    {
        var unlabeled = train.PositionsOf(train.Split.VaeRows(VaeData.Unlabeled));
        if (unlabeled.Length == 0 || normalIndex < 0) return [];
        var loader = new BatchLoader(train, LoaderOptions.Evaluation(batchSize) with { Device = device }, unlabeled);
        var chosen = new List<int>();
        int seen = 0;
        classifier.eval();
        using (no_grad())
            foreach (var images in loader.Images(cancellation))
            {
                using var scope = NewDisposeScope();
                float[] p = nn.functional.softmax(classifier.forward(images), 1).select(1, normalIndex).cpu().data<float>().ToArray();
                for (int i = 0; i < p.Length; i++)
                    if (p[i] >= threshold) chosen.Add(unlabeled[seen + i]);
                seen += p.Length;
            }
        return chosen.ToArray();
    }
}
