namespace Vigil.Imaging.Numpy;

/// <summary>
/// Streams the images of an array one at a time (70,000 images never sit in memory together). Arrays that need
/// a value range for their intensity map (anything but uint8 and bool) are read twice: once for the range, once
/// for the pixels.
/// </summary>
internal sealed class ArrayImageStream
{
    private readonly Func<CancellationToken, Stream> _openData;
    private readonly ElementType _element;
    private readonly ImageLayout _layout;
    private readonly string _path;

    /// <param name="openData">Opens a fresh stream at the first sample (C order).</param>
    /// <param name="element">Sample type.</param>
    /// <param name="layout">How samples form images.</param>
    /// <param name="path">File named in errors.</param>
    public ArrayImageStream(Func<CancellationToken, Stream> openData, ElementType element, ImageLayout layout, string path)
    {
        _openData = openData; _element = element; _layout = layout; _path = path;
        // Raw samples, mapped samples and the frame each live in one array per image.
        if (layout.ImageElements * Math.Max(element.Size, 2) > Array.MaxLength)
            throw new ImageFormatException(path, $"images of {layout.Width}x{layout.Height}x{layout.Channels} {element.Name} samples are too large to decode");
    }

    /// <summary>Chooses the intensity map, reading all samples once when the type needs their range.</summary>
    public IntensityMapping ChooseMapping(CancellationToken cancellationToken)
    {
        var range = new SampleRange();
        if (_element.Kind is ElementKind.UInt8 or ElementKind.Bool || _layout.Count == 0)
            return IntensityMapping.ForArray(_element, range.WithFullByteRange());
        using var data = _openData(cancellationToken);
        long left = _layout.Count * _layout.ImageElements * _element.Size;
        var buffer = new byte[(int)Math.Min(left, (1 << 20) / _element.Size * _element.Size)];
        while (left > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int want = (int)Math.Min(left, buffer.Length);
            StreamIo.ReadExactly(data, buffer.AsSpan(0, want), _path, "the array data");
            range.Add(buffer.AsSpan(0, want), _element);
            left -= want;
        }
        return IntensityMapping.ForArray(_element, range);
    }

    /// <summary>Decodes the images in order.</summary>
    public IEnumerable<ImageFrame> Frames(IntensityMapping mapping, CancellationToken cancellationToken)
    {
        var decoder = new ArrayImageDecoder(_element, _layout, mapping);
        using var data = _openData(cancellationToken);
        byte[]? reused = decoder.IsDirect ? null : new byte[decoder.RawBytes];
        for (long i = 0; i < _layout.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var raw = reused ?? new byte[decoder.RawBytes]; // direct frames keep their buffer
            StreamIo.ReadExactly(data, raw, _path, $"image {i} of the array");
            yield return decoder.Decode(raw);
        }
    }
}
