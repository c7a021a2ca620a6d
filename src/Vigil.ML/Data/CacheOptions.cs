using Vigil.Imaging;

namespace Vigil.ML.Data;

/// <summary>How <see cref="SplitCache.Load"/> decodes a split and where it keeps the result.</summary>
public sealed record CacheOptions
{
    /// <summary>Smallest and largest accepted <see cref="ImageSize"/>.</summary>
    public const int MinImageSize = 8, MaxImageSize = 2048;

    /// <summary>Side S of the square images, in pixels (<c>--image-size</c>).</summary>
    public required int ImageSize { get; init; }
    /// <summary>1 (grey) or 3 (RGB) channels.</summary>
    public required int Channels { get; init; }
    /// <summary>Folder of the cache files (<see cref="DatasetSpec.CacheFolder"/>, or one under <c>--output</c>).</summary>
    public required string Folder { get; init; }
    /// <summary>False to decode in memory only, writing and reading no cache file.</summary>
    public bool Persist { get; init; } = true;
    /// <summary>Images decoded at once; all cores by default.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// How files are read (slice axis for volumes, DICOM values): training's own (<see cref="InputConversion.ReadOptions"/>)
    /// by default; evaluation passes the ones its model package records, so it reads images as that model's training did.
    /// </summary>
    public ImageReadOptions ReadOptions { get; init; } = InputConversion.ReadOptions;
    /// <summary>The readers to decode with; null means <see cref="ImageReaderRegistry.CreateDefault"/>.</summary>
    public ImageReaderRegistry? Registry { get; init; }

    /// <summary>Test seam: called with the temporary file's path just before it is renamed into place.</summary>
    internal Action<string>? BeforeCommit { get; init; }

    /// <summary>Checks the values a user can set.</summary>
    /// <exception cref="DataPipelineException">The image size or channel count is out of range.</exception>
    public void Validate()
    {
        if (ImageSize is < MinImageSize or > MaxImageSize)
            throw new DataPipelineException($"--image-size {ImageSize} is invalid; give a size from {MinImageSize} to {MaxImageSize} pixels.");
        if (Channels is not (1 or 3))
            throw new DataPipelineException($"{Channels} channels is invalid; use 1 (grey) or 3 (RGB).");
        if (MaxDegreeOfParallelism < 1) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "must be at least 1");
        ArgumentException.ThrowIfNullOrWhiteSpace(Folder);
    }
}

/// <summary>Decoding progress of one split, reported while a cache is built.</summary>
/// <param name="Split">The split's name.</param>
/// <param name="Done">Files decoded so far.</param>
/// <param name="Total">Files to decode (distinct paths).</param>
public readonly record struct CacheProgress(string Split, int Done, int Total);
