namespace Vigil.Imaging.Dicom;

/// <summary>
/// A DICOM Part 10 file opened for its pixels: parsed, decompressed when needed (RLE here, the JPEG family through
/// gdcmconv), and ready to hand out frames as stored values or as <see cref="DecodedImage"/>s.
/// Every content problem surfaces as an <see cref="ImageFormatException"/>.
/// </summary>
public sealed class DicomFile
{
    private readonly FrameSource _source;
    private readonly DisplayParameters _display;
    private readonly PaletteLut? _palette;

    private DicomFile(string path, ParsedDicom parsed, string decoder, DicomImageInfo image, FrameSource source,
        DisplayParameters display, PaletteLut? palette, ImageMetadata metadata)
    {
        Path = path;
        TransferSyntaxUid = parsed.Syntax.Uid;
        TransferSyntaxName = parsed.Syntax.Name;
        Decoder = decoder;
        Image = image;
        _source = source;
        _display = display;
        _palette = palette;
        Metadata = metadata;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Transfer Syntax UID of the file (guessed for files without meta information).</summary>
    public string TransferSyntaxUid { get; }

    /// <summary>Name of the transfer syntax.</summary>
    public string TransferSyntaxName { get; }

    /// <summary>"native", "rle" or "gdcmconv".</summary>
    public string Decoder { get; }

    /// <summary>How the stored values are laid out (after decompression).</summary>
    public DicomImageInfo Image { get; }

    /// <summary>File-level metadata; each decoded frame adds what was done to it.</summary>
    public ImageMetadata Metadata { get; }

    /// <summary>Opens and parses a file, running gdcmconv first for JPEG-family transfer syntaxes.</summary>
    /// <exception cref="ImageFormatException">The file is not a decodable DICOM image.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (a running gdcmconv is killed).</exception>
    public static DicomFile Open(string path, ImageReadOptions? options = null, DicomReaderSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageReadOptions.Default;
        settings ??= DicomReaderSettings.Default;
        return Guard(path, () => Load(path, options, settings, cancellationToken));
    }

    /// <summary>
    /// The stored values of a frame, one per sample, row-major with samples interleaved: the values of pydicom's
    /// <c>pixel_array</c> (masked to BitsStored, sign-extended, 4:2:2 expanded; no rescale or colour conversion).
    /// </summary>
    /// <exception cref="ImageFormatException">The frame's data is malformed.</exception>
    public long[] ReadStoredValues(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Image.Frames);
        return Guard(Path, () => _source.Read(frame));
    }

    /// <summary>Decodes one frame (0-based) into an image; multi-frame files key frames "frame-0001", "frame-0002"….</summary>
    /// <exception cref="ImageFormatException">The frame's data is malformed.</exception>
    public DecodedImage DecodeFrame(int frame, DicomValues values = DicomValues.Windowed)
    {
        var stored = ReadStoredValues(frame);
        return Guard(Path, () =>
        {
            var extra = new Dictionary<string, string>(Metadata.Extra, StringComparer.Ordinal);
            if (Image.Frames > 1) extra["dicom.frame"] = (frame + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var image = FrameRenderer.Render(stored, Image, _display, _palette, values, extra);
            var key = Image.Frames > 1 ? $"frame-{frame + 1:D4}" : "";
            return new DecodedImage(image, Metadata with { Extra = extra }, key);
        });
    }

    private static DicomFile Load(string path, ImageReadOptions options, DicomReaderSettings settings, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength) throw new DicomException($"file is {length} bytes; DICOM files above 2 GiB are not supported");
        var parsed = DicomParser.Parse(File.ReadAllBytes(path));
        var dataSet = parsed.DataSet;
        if (!dataSet.Contains(DicomTag.PixelData))
        {
            var sopClass = SopClassNames.Describe(dataSet.GetString(DicomTag.SopClassUid) ?? parsed.Meta.GetString(DicomTag.MediaStorageSopClassUid));
            if (dataSet.Contains(DicomTag.FloatPixelData) || dataSet.Contains(DicomTag.DoubleFloatPixelData))
                throw new DicomException($"float pixel data is not supported (SOP class {sopClass})");
            throw new DicomException($"no pixel data (SOP class {sopClass})");
        }
        var fileImage = PixelModule.Read(dataSet, options);
        var display = DisplayParameters.Read(dataSet);
        var syntax = parsed.Syntax;

        DicomImageInfo image = fileImage;
        FrameSource source;
        string decoder;
        switch (syntax.Codec)
        {
            case PixelCodec.Native:
                source = new NativeFrameSource(dataSet, fileImage);
                decoder = "native";
                break;
            case PixelCodec.Rle:
            case PixelCodec.EncapsulatedNative:
                source = new FragmentFrameSource(dataSet.Fragments!, fileImage, rle: syntax.Codec == PixelCodec.Rle);
                decoder = syntax.Codec == PixelCodec.Rle ? "rle" : "native";
                break;
            case PixelCodec.Gdcm:
                (image, source) = Decompress(path, fileImage, syntax, options, settings, cancellationToken);
                decoder = "gdcmconv";
                break;
            default:
                throw new DicomException($"transfer syntax {syntax.Name} ({syntax.Uid}) is not supported");
        }
        var palette = image.PhotometricInterpretation == "PALETTE COLOR" ? PaletteLut.Read(dataSet, image.IsSigned) : null;
        var metadata = DicomMetadataBuilder.Build(parsed, fileImage, image, display, decoder);
        return new DicomFile(path, parsed, decoder, image, source, display, palette, metadata);
    }

    private static (DicomImageInfo, FrameSource) Decompress(string path, DicomImageInfo fileImage, TransferSyntax syntax,
        ImageReadOptions options, DicomReaderSettings settings, CancellationToken cancellationToken)
    {
        long frameBytes = (long)fileImage.PixelsPerFrame * fileImage.SamplesPerPixel * Math.Max(1, fileImage.BitsAllocated / 8);
        long expected = fileImage.Frames > long.MaxValue / frameBytes ? long.MaxValue : frameBytes * fileImage.Frames;
        if (expected > Array.MaxLength - (1 << 20))
            throw new DicomException($"decompressed pixel data would be {expected} bytes, more than this reader holds in memory (2 GiB)");
        var decoded = DicomParser.Parse(GdcmConverter.Decompress(path, syntax, settings, cancellationToken));
        if (decoded.Syntax.Encapsulated) throw new DicomException($"gdcmconv left the pixel data encoded as {decoded.Syntax.Name}");
        if (!decoded.DataSet.Contains(DicomTag.PixelData)) throw new DicomException("gdcmconv wrote a file without pixel data");
        var image = PixelModule.Read(decoded.DataSet, options);
        if (image.Rows != fileImage.Rows || image.Columns != fileImage.Columns || image.Frames != fileImage.Frames || image.SamplesPerPixel != fileImage.SamplesPerPixel)
            throw new DicomException(
                $"gdcmconv produced {image.Frames} frame(s) of {image.Columns}x{image.Rows}x{image.SamplesPerPixel} but the file declares {fileImage.Frames} of {fileImage.Columns}x{fileImage.Rows}x{fileImage.SamplesPerPixel}");
        return (image, new NativeFrameSource(decoded.DataSet, image));
    }

    // The one place where parser failures become ImageFormatException. Anything else thrown while decoding is
    // still a property of the file's content (e.g. a length the checks missed), so it is reported the same way.
    private static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DicomException e)
        {
            throw new ImageFormatException(path, e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, "cannot read file: " + e.Message, e);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ImageFormatException))
        {
            throw new ImageFormatException(path, $"malformed DICOM data ({e.GetType().Name}: {e.Message})", e);
        }
    }
}
