namespace Vigil.ML.Data;

/// <summary>
/// Batching of a training phase so that every selected image is seen every epoch and a small selection still takes
/// several optimiser steps per epoch. With 235 labeled images at <c>--batch-size 128</c>, dropping the partial batch
/// left one step per epoch (20 steps in 20 epochs) and 107 images never seen; here the batch size shrinks to spread
/// the images over at least <see cref="MinStepsPerEpoch"/> batches of at least <see cref="MinBatchSize"/>, and the
/// last batch is kept.
/// </summary>
public static class TrainingBatches
{
    /// <summary>Batches per epoch a selection gets when it has enough images for them.</summary>
    public const int MinStepsPerEpoch = 8;
    /// <summary>The smallest batch the size adapts down to (smaller ones make BatchNorm's statistics noisy).</summary>
    public const int MinBatchSize = 16;

    /// <summary>
    /// The batch size for <paramref name="images"/> images when <paramref name="requested"/> was asked for: the requested
    /// size when the images fill <see cref="MinStepsPerEpoch"/> batches of it, else smaller, the batches as even as possible.
    /// </summary>
    public static int Size(int images, int requested)
    {
        if (images <= 0 || requested <= 0) return Math.Max(1, requested);
        int batches = Math.Max(CeilDiv(images, requested), Math.Min(MinStepsPerEpoch, images / MinBatchSize));
        return CeilDiv(images, Math.Max(1, batches));
    }

    /// <summary>
    /// Training loader options over <paramref name="images"/> images: the adapted <see cref="Size"/>, the partial batch kept
    /// (dropped only when it would be a single image, which BatchNorm cannot normalise on a 1×1 feature map).
    /// </summary>
    public static LoaderOptions Options(LoaderOptions training, int images)
    {
        int size = Size(images, training.BatchSize);
        return training with { BatchSize = size, DropLast = images > size && images % size == 1 };
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
