using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>How a <see cref="BatchLoader"/> draws and prepares batches.</summary>
public sealed record LoaderOptions
{
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Epoch order.</summary>
    public Sampling Sampling { get; init; } = Sampling.Shuffle;
    /// <summary>
    /// Drop the last, smaller batch of an epoch (steadier batch statistics). Never drops the only batch: with fewer
    /// images than <see cref="BatchSize"/> the epoch is one smaller batch rather than nothing.
    /// </summary>
    public bool DropLast { get; init; }
    /// <summary>Seed of the epoch orders and augmentations.</summary>
    public long Seed { get; init; }
    /// <summary>Batches prepared ahead on a background thread while the model computes; 0 prepares each on demand.</summary>
    public int Prefetch { get; init; } = 2;
    /// <summary>Augmentation, or null for none (evaluation).</summary>
    public AugmentOptions? Augment { get; init; }
    /// <summary>Where batches are delivered (moved there on the prefetch thread); null keeps them where the images are.</summary>
    public Device? Device { get; init; }

    /// <summary>Training: shuffled (or balanced) order, last partial batch dropped, augmentation, two batches prefetched.</summary>
    public static LoaderOptions Training(int batchSize, long seed, bool balanced = false, AugmentOptions? augment = null) => new()
    {
        BatchSize = batchSize, Seed = seed, Sampling = balanced ? Sampling.Balanced : Sampling.Shuffle,
        DropLast = true, Augment = augment ?? AugmentOptions.Default, Prefetch = 2,
    };

    /// <summary>Evaluation: every image once, in order, no augmentation.</summary>
    public static LoaderOptions Evaluation(int batchSize) => new()
    {
        BatchSize = batchSize, Sampling = Sampling.Sequential, DropLast = false, Augment = null, Prefetch = 2,
    };

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be at least 1");
        if (Prefetch is < 0 or > 16) throw new ArgumentOutOfRangeException(nameof(Prefetch), Prefetch, "must be 0 to 16");
        Augment?.Validate();
    }
}
