using System.Globalization;
using Vigil.Imaging.Numpy;

namespace Vigil.Imaging.Idx;

/// <summary>
/// MNIST-style IDX image files (rank 3: count × rows × columns), plain or gzip-compressed, with the labels file
/// found beside them (<see cref="IdxFileNames"/>). Images are streamed one at a time; keys read "train-00017".
/// uint8 images stay as they are; other IDX types go through one intensity map for the whole file
/// (<see cref="IntensityMapping.ForArray"/>).
/// </summary>
public sealed class IdxReader : IImageReader
{
    private const int MaxLabels = 1 << 25;

    /// <inheritdoc />
    public string FormatName => "IDX (MNIST)";

    /// <inheritdoc />
    /// <remarks>IDX files have no extension of their own; these are the endings MNIST-style names use.</remarks>
    public IReadOnlyList<string> Extensions { get; } = ["-idx3-ubyte", ".idx3-ubyte", "-idx3-ubyte.gz", ".idx3-ubyte.gz"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) =>
        IdxHeader.Matches(header, 3) || IdxHeader.Matches(StreamIo.GzipPrefix(header, 16), 3);

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default) =>
        ReaderGuard.Guard(Images(path, options, cancellationToken), path);

    private static IEnumerable<DecodedImage> Images(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        IdxHeader header;
        long available;
        using (var file = StreamIo.OpenMaybeGzip(path))
        {
            header = IdxHeader.Read(file, path);
            available = file.CanSeek ? file.Length : long.MaxValue;
        }
        if (header.Dimensions.Length != 3)
            throw new ImageFormatException(path, $"IDX file has {header.Dimensions.Length} dimensions; images need 3 (count, rows, columns)"
                + (header.Dimensions.Length == 1 ? ": this is a labels file, read with its images file" : ""));
        var layout = ImageLayout.Infer([.. header.Dimensions.Select(d => (long)d)], stacked: true, options, path, "IDX file");
        long dataBytes = layout.Count * layout.ImageElements * header.Element.Size;
        if (header.Size + dataBytes > available)
            throw new ImageFormatException(path, $"file is truncated: the header declares {layout.Count:N0} images of {layout.Width}x{layout.Height}, more than the file holds");

        string? split = IdxFileNames.OfficialSplit(path);
        var labels = ReadLabels(path, header.Count, cancellationToken);
        var images = new ArrayImageStream(ct => OpenData(path, header), header.Element, layout, path);
        var mapping = images.ChooseMapping(cancellationToken);
        var extra = new Dictionary<string, string> { ["dtype"] = header.Element.Name };
        if (!mapping.IsIdentity) mapping.Describe(extra);
        string prefix = split ?? "image";
        string digits = "D" + Math.Max(5, (layout.Count - 1).ToString(CultureInfo.InvariantCulture).Length);
        int index = 0;
        foreach (var frame in images.Frames(mapping, cancellationToken))
        {
            var metadata = new ImageMetadata { Label = labels?[index], OfficialSplit = split, Extra = extra };
            yield return new DecodedImage(frame, metadata, $"{prefix}-{index.ToString(digits, CultureInfo.InvariantCulture)}");
            index++;
        }
    }

    private static Stream OpenData(string path, IdxHeader header)
    {
        var stream = StreamIo.OpenMaybeGzip(path);
        try
        {
            StreamIo.ReadExactly(stream, new byte[header.Size], path, "the IDX header");
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // The labels file beside the images, named through the class table; null when there is none.
    private static string?[]? ReadLabels(string imagesPath, int count, CancellationToken cancellationToken)
    {
        var labelsPath = IdxFileNames.LabelsFileFor(imagesPath);
        if (labelsPath is null) return null;
        using var stream = StreamIo.OpenMaybeGzip(labelsPath);
        var header = IdxHeader.Read(stream, labelsPath);
        if (header.Dimensions.Length != 1 || header.Count != count)
            throw new ImageFormatException(imagesPath, $"labels file {Path.GetFileName(labelsPath)} holds {header.Count:N0} labels "
                + $"(rank {header.Dimensions.Length}) for {count:N0} images");
        if (count > MaxLabels) throw new ImageFormatException(labelsPath, $"labels file declares {count:N0} labels, too many");
        var raw = StreamIo.ReadBounded(stream, (long)count * header.Element.Size, labelsPath, "the labels", cancellationToken);
        var values = new double[count];
        SampleDecoder.ToDouble(raw, header.Element, values);
        var names = IdxFileNames.ClassNames(imagesPath);
        var labels = new string?[count];
        for (int i = 0; i < count; i++)
        {
            double v = values[i];
            labels[i] = v < 0 || double.IsNaN(v) ? null
                : v == Math.Floor(v) && v < names.Count ? names[(int)v]
                : v.ToString(CultureInfo.InvariantCulture);
        }
        return labels;
    }
}
