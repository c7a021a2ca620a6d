using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>
/// A split decoded to the network's input size: <see cref="Images"/> uint8 [N,C,S,S] in CPU memory, with the class id
/// and source row of every image. Images that could not be read are absent (see <see cref="Issues"/>). Owns its tensors.
/// </summary>
public sealed class CachedSplit : IDisposable
{
    private readonly long[] _labels;
    private readonly int[] _rows;

    internal CachedSplit(SplitSource split, Tensor images, long[] labels, int[] rows, IReadOnlyList<ImageIssue> issues,
        IReadOnlyList<string> notes, string? cachePath, bool fromCache)
    {
        Split = split; Images = images; _labels = labels; _rows = rows; Issues = issues; Notes = notes;
        CachePath = cachePath; FromCache = fromCache;
        ImageSize = (int)images.shape[2]; Channels = (int)images.shape[1];
    }

    /// <summary>The split the images come from.</summary>
    public SplitSource Split { get; }
    /// <summary>uint8 [N,C,S,S], values 0–255.</summary>
    public Tensor Images { get; }
    /// <summary>Number of images (N).</summary>
    public int Count => _labels.Length;
    /// <summary>Side S.</summary>
    public int ImageSize { get; }
    /// <summary>Channels C.</summary>
    public int Channels { get; }
    /// <summary>Class id of each image (an index into <see cref="SplitSource.Classes"/>), -1 when unlabeled.</summary>
    public IReadOnlyList<long> Labels => _labels;
    /// <summary>For each image, its index in <see cref="SplitSource.Rows"/>.</summary>
    public IReadOnlyList<int> Rows => _rows;
    /// <summary>Images left out (unreadable) or used with a note; also reported on a cache hit.</summary>
    public IReadOnlyList<ImageIssue> Issues { get; }
    /// <summary>Pipeline messages for the log: a damaged cache that was rebuilt, a cache folder that could not be written.</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>The cache file, or null when none was written.</summary>
    public string? CachePath { get; }
    /// <summary>True when the images were read from an existing cache file rather than decoded.</summary>
    public bool FromCache { get; }

    /// <summary>
    /// The positions (indices into <see cref="Images"/>) of the given split rows, in the given order; rows whose image
    /// was skipped are left out. Pass the result to a <see cref="BatchLoader"/> to load a selection
    /// (<see cref="SplitSource.LabeledRows"/>, <see cref="SplitSource.VaeRows"/>).
    /// </summary>
    public int[] PositionsOf(IEnumerable<int> rowIndices)
    {
        var positionOfRow = new Dictionary<int, int>(_rows.Length);
        for (int p = 0; p < _rows.Length; p++) positionOfRow[_rows[p]] = p;
        return [.. rowIndices.Where(positionOfRow.ContainsKey).Select(r => positionOfRow[r])];
    }

    internal long[] LabelArray => _labels;
    internal int[] RowArray => _rows;

    /// <summary>Frees the image tensor.</summary>
    public void Dispose() => Images.Dispose();
}
