using Vigil.ML.Data;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>The probes' pass over a cached split: its images in [0, 1], a batch at a time, without gradients.</summary>
internal static class CachedBatches
{
    /// <summary>Calls <paramref name="each"/> with every batch of at most <paramref name="batch"/> images, in order,
    /// inside a dispose scope of its own (move what must outlive it out of the scope).</summary>
    public static void ForEach(CachedSplit data, int batch, Action<Tensor> each)
    {
        using var noGrad = no_grad();
        for (long i = 0; i < data.Count; i += batch)
        {
            using var scope = NewDisposeScope();
            each(data.Images.narrow(0, i, Math.Min(batch, data.Count - i)).to(ScalarType.Float32) / 255.0);
        }
    }
}
