using System.Globalization;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// A plain NumPy .npy array of unlabeled images: (H,W) or (H,W,C) is one image (key ""), (N,H,W), (N,H,W,C) or
/// (N,C,H,W) a stack (keys "image-00017"). Intensities follow <see cref="IntensityMapping.ForArray"/>.
/// </summary>
public sealed class NpyReader : IImageReader
{
    /// <inheritdoc />
    public string FormatName => "NumPy npy";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".npy"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) => NpyHeader.HasMagic(header);

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default) =>
        ReaderGuard.Guard(Images(path, options, cancellationToken), path);

    private static IEnumerable<DecodedImage> Images(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        long length = new FileInfo(path).Length;
        var array = NpyArray.Open(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), length, path, "array");
        var layout = ImageLayout.Infer(array.Header.Shape, stacked: false, options, path, "array");
        var stream = new ArrayImageStream(array.OpenData, array.Header.Element, layout, path);
        var mapping = stream.ChooseMapping(cancellationToken);
        var extra = new Dictionary<string, string> { ["dtype"] = array.Header.Element.Name };
        if (!mapping.IsIdentity) mapping.Describe(extra);
        var metadata = new ImageMetadata { Extra = extra };
        string digits = "D" + Math.Max(5, (layout.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        long index = 0;
        foreach (var frame in stream.Frames(mapping, cancellationToken))
        {
            string key = layout.Stacked ? "image-" + index.ToString(digits, CultureInfo.InvariantCulture) : "";
            yield return new DecodedImage(frame, metadata, key);
            index++;
        }
    }
}
