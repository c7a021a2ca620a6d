using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>
/// One batch: images float32 [B,C,S,S] in [0,1], class ids int64 [B] (-1 = unlabeled), and where each image came from.
/// The batch owns its tensors, which belong to no dispose scope: dispose the batch (<c>using var batch</c>) once the step is done.
/// </summary>
public sealed class Batch : IDisposable
{
    private readonly long _seed;

    internal Batch(Tensor images, Tensor labels, int[] rows, long seed, int epoch, int index)
    {
        Images = images; Labels = labels; Rows = rows; _seed = seed; Epoch = epoch; Index = index;
    }

    /// <summary>float32 [B,C,S,S], values in [0,1].</summary>
    public Tensor Images { get; }
    /// <summary>int64 [B]: class ids, -1 for unlabeled images.</summary>
    public Tensor Labels { get; }
    /// <summary>For each image, its index in the split's <see cref="SplitSource.Rows"/> (to name files in reports).</summary>
    public IReadOnlyList<int> Rows { get; }
    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }
    /// <summary>Index of the batch within its epoch (0-based).</summary>
    public int Index { get; }
    /// <summary>Number of images (B; the last batch of an epoch may be smaller).</summary>
    public int Size => Rows.Count;

    /// <summary>The loader position just after this batch: store it in a checkpoint, continue with <see cref="BatchLoader.Resume"/>.</summary>
    public LoaderState NextState => new(_seed, Epoch, Index + 1);

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Everything needed to continue a loader exactly where it stopped (<c>--resume</c>): the order and augmentation of
/// every batch are a function of (seed, epoch, batch index) alone, so these three numbers are the whole state.
/// </summary>
/// <param name="Seed">The loader's seed.</param>
/// <param name="Epoch">The epoch in progress.</param>
/// <param name="NextBatch">The first batch not yet consumed in that epoch.</param>
public readonly record struct LoaderState(long Seed, int Epoch, int NextBatch);
