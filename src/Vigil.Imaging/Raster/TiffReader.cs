using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;

namespace Vigil.Imaging.Raster;

/// <summary>
/// TIFF through BitMiracle.LibTiff.NET: 8- and 16-bit grey or RGB at full depth, strips or tiles,
/// contiguous or planar, every page of a multi-page file (Key "page-0001"…). Float and 32-bit pages are mapped
/// min..max to 16 bits (the mapping is recorded); exotic layouts (bilevel, palette, YCbCr, CMYK) go through
/// LibTiff's RGBA path as 8-bit.
/// </summary>
public sealed class TiffReader : IImageReader
{
    /// <summary>Pages past this count are refused: a looping or absurd IFD chain must not run forever.</summary>
    public const int MaxPages = 10_000;

    static TiffReader() => Tiff.SetErrorHandler(new CollectingErrorHandler());

    /// <inheritdoc />
    public string FormatName => "TIFF";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".tif", ".tiff"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) =>
        header.Length >= 4 && (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8)
                               || header.StartsWith("II+\0"u8) || header.StartsWith("MM\0+"u8)); // classic or BigTIFF

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, $"cannot read file: {e.Message}", e);
        }
        TiffLayout.Check(bytes, path, MaxPages);
        using var stream = new MemoryStream(bytes, writable: false);
        using var tiff = Guard(path, () => Tiff.ClientOpen(path, "r", stream, new TiffStream()))
            ?? throw new ImageFormatException(path, "not a readable TIFF file" + LastErrorSuffix());
        int pages = Guard(path, () => CountPages(tiff));
        if (pages == 0) throw new ImageFormatException(path, "TIFF file has no image pages");
        for (short page = 0; page < pages; page++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (frame, extra) = Guard(path, () =>
            {
                if (!tiff.SetDirectory(page)) throw new ImageFormatException(path, $"cannot open page {page + 1}" + LastErrorSuffix());
                return ReadPage(tiff, path, options);
            });
            extra["pages"] = pages.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return new DecodedImage(frame, new ImageMetadata { Extra = extra }, pages == 1 ? "" : $"page-{page + 1:D4}");
        }
    }

    private static int CountPages(Tiff tiff)
    {
        // NumberOfDirectories walks the IFD chain; LibTiff stops on loops, the cap stops absurd chains.
        int n = tiff.NumberOfDirectories();
        if (n > MaxPages) throw new InvalidDataException($"TIFF declares {n} pages, more than the {MaxPages} supported");
        return n;
    }

    private static (ImageFrame, Dictionary<string, string>) ReadPage(Tiff tiff, string path, ImageReadOptions options)
    {
        int width = GetInt(tiff, TiffTag.IMAGEWIDTH, 0);
        int height = GetInt(tiff, TiffTag.IMAGELENGTH, 0);
        int bits = GetInt(tiff, TiffTag.BITSPERSAMPLE, 1);
        int samples = GetInt(tiff, TiffTag.SAMPLESPERPIXEL, 1);
        var photometric = (Photometric)GetInt(tiff, TiffTag.PHOTOMETRIC, (int)Photometric.MINISBLACK);
        var format = (SampleFormat)GetInt(tiff, TiffTag.SAMPLEFORMAT, (int)SampleFormat.UINT);
        if (width <= 0 || height <= 0) throw new ImageFormatException(path, $"invalid page dimensions {width}x{height}");
        if ((long)width * height > options.MaxPixelsPerImage)
            throw new ImageFormatException(path, $"page declares {width}x{height} pixels, above the limit of {options.MaxPixelsPerImage}");
        if (samples is < 1 or > 16 || bits is < 1 or > 64)
            throw new ImageFormatException(path, $"unsupported layout: {samples} samples of {bits} bits");

        var extra = new Dictionary<string, string>
        {
            ["tiff_bits_per_sample"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tiff_samples_per_pixel"] = samples.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["tiff_photometric"] = photometric.ToString(),
        };
        bool direct = photometric is Photometric.MINISBLACK or Photometric.MINISWHITE or Photometric.RGB
                      && (bits is 8 or 16 or 32 || (bits == 64 && format == SampleFormat.IEEEFP));
        if (!direct || (photometric == Photometric.RGB && samples < 3))
            return (ReadViaRgba(tiff, path, width, height, photometric), extra);

        int keep = photometric == Photometric.RGB ? 3 : 1; // extra samples (alpha…) are dropped
        if (samples < keep) throw new ImageFormatException(path, $"photometric {photometric} needs {keep} samples, file has {samples}");
        var raw = ReadSamples(tiff, path, width, height, samples, bits);
        var frame = ToFrame(raw, width, height, samples, keep, bits, format, extra);
        if (photometric == Photometric.MINISWHITE) Invert(frame);
        return (frame, extra);
    }

    // Reads all samples of the page, interleaved, in host byte order (LibTiff swaps multi-byte samples).
    private static byte[] ReadSamples(Tiff tiff, string path, int width, int height, int samples, int bits)
    {
        int bytesPerSample = bits / 8;
        bool planar = GetInt(tiff, TiffTag.PLANARCONFIG, (int)PlanarConfig.CONTIG) == (int)PlanarConfig.SEPARATE;
        long total = (long)width * height * samples * bytesPerSample;
        if (total > int.MaxValue) throw new ImageFormatException(path, "page too large to decode");
        var output = new byte[total];
        int planes = planar ? samples : 1;
        int perPlanePixel = (planar ? 1 : samples) * bytesPerSample;
        if (tiff.IsTiled())
        {
            int tileW = GetInt(tiff, TiffTag.TILEWIDTH, 0), tileH = GetInt(tiff, TiffTag.TILELENGTH, 0);
            if (tileW <= 0 || tileH <= 0 || (long)tileW * tileH > 1L << 26) throw new ImageFormatException(path, $"invalid tile size {tileW}x{tileH}");
            var tile = new byte[Math.Max(tiff.TileSize(), tileW * tileH * perPlanePixel)];
            for (int plane = 0; plane < planes; plane++)
                for (int ty = 0; ty < height; ty += tileH)
                    for (int tx = 0; tx < width; tx += tileW)
                    {
                        if (tiff.ReadTile(tile, 0, tx, ty, 0, (short)plane) < 0)
                            throw new ImageFormatException(path, $"cannot read tile at ({tx},{ty})" + LastErrorSuffix());
                        int w = Math.Min(tileW, width - tx), h = Math.Min(tileH, height - ty);
                        for (int y = 0; y < h; y++)
                            Scatter(tile.AsSpan(y * tileW * perPlanePixel, w * perPlanePixel), output, (ty + y) * width + tx, plane, planar, samples, bytesPerSample);
                    }
        }
        else
        {
            var line = new byte[Math.Max(tiff.ScanlineSize(), width * perPlanePixel)];
            for (int plane = 0; plane < planes; plane++)
                for (int y = 0; y < height; y++)
                {
                    if (!tiff.ReadScanline(line, y, (short)plane))
                        throw new ImageFormatException(path, $"cannot read row {y}" + LastErrorSuffix());
                    Scatter(line.AsSpan(0, width * perPlanePixel), output, y * width, plane, planar, samples, bytesPerSample);
                }
        }
        return output;
    }

    // Copies a run of pixels into the interleaved output; planar data lands in its sample slot.
    private static void Scatter(ReadOnlySpan<byte> run, byte[] output, int pixelIndex, int plane, bool planar, int samples, int bytesPerSample)
    {
        int pixelBytes = samples * bytesPerSample;
        if (!planar) { run.CopyTo(output.AsSpan(pixelIndex * pixelBytes)); return; }
        int pixels = run.Length / bytesPerSample;
        for (int i = 0; i < pixels; i++)
            run.Slice(i * bytesPerSample, bytesPerSample).CopyTo(output.AsSpan((pixelIndex + i) * pixelBytes + plane * bytesPerSample));
    }

    private static ImageFrame ToFrame(byte[] raw, int width, int height, int samples, int keep, int bits, SampleFormat format, Dictionary<string, string> extra)
    {
        int pixels = width * height;
        if (bits == 8 && format != SampleFormat.INT)
            return new ImageFrame(width, height, keep, 8, samples == keep ? raw : Select(raw, pixels, samples, keep, 1));
        if (bits == 16 && format != SampleFormat.INT && format != SampleFormat.IEEEFP)
            return new ImageFrame(width, height, keep, 16, samples == keep ? raw : Select(raw, pixels, samples, keep, 2));

        // Signed, 32-bit or float samples: one linear map of the page's range onto 0..65535.
        var values = new double[pixels * keep];
        int bytesPerSample = bits / 8;
        for (int p = 0; p < pixels; p++)
            for (int c = 0; c < keep; c++)
            {
                var s = raw.AsSpan((p * samples + c) * bytesPerSample, bytesPerSample);
                values[p * keep + c] = (bits, format) switch
                {
                    (8, _) => (sbyte)s[0],
                    (16, SampleFormat.IEEEFP) => (double)MemoryMarshal.Read<Half>(s),
                    (16, _) => MemoryMarshal.Read<short>(s),
                    (32, SampleFormat.IEEEFP) => MemoryMarshal.Read<float>(s),
                    (32, SampleFormat.INT) => MemoryMarshal.Read<int>(s),
                    (32, _) => MemoryMarshal.Read<uint>(s),
                    _ => MemoryMarshal.Read<double>(s),
                };
            }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values) if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!double.IsFinite(min)) { min = 0; max = 0; }
        double scale = max > min ? 65535.0 / (max - min) : 0;
        var output = new ushort[values.Length];
        for (int i = 0; i < values.Length; i++)
            output[i] = double.IsFinite(values[i]) ? (ushort)Math.Round((values[i] - min) * scale) : (ushort)0;
        extra["intensity_offset"] = min.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        extra["intensity_scale"] = (scale == 0 ? 0 : 1 / scale).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var bytes = MemoryMarshal.AsBytes(output.AsSpan()).ToArray();
        return new ImageFrame(width, height, keep, 16, bytes);
    }

    private static byte[] Select(byte[] raw, int pixels, int samples, int keep, int bytesPerSample)
    {
        var output = new byte[pixels * keep * bytesPerSample];
        for (int p = 0; p < pixels; p++)
            raw.AsSpan(p * samples * bytesPerSample, keep * bytesPerSample).CopyTo(output.AsSpan(p * keep * bytesPerSample));
        return output;
    }

    private static void Invert(ImageFrame frame)
    {
        if (frame.BitDepth == 8) { var d = frame.Data; for (int i = 0; i < d.Length; i++) d[i] = (byte)(255 - d[i]); }
        else { var s = frame.Samples16; for (int i = 0; i < s.Length; i++) s[i] = (ushort)(65535 - s[i]); }
    }

    private static ImageFrame ReadViaRgba(Tiff tiff, string path, int width, int height, Photometric photometric)
    {
        var raster = new int[checked(width * height)];
        if (!tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT))
            throw new ImageFormatException(path, $"cannot decode this TIFF layout ({photometric})" + LastErrorSuffix());
        bool grey = photometric is Photometric.MINISBLACK or Photometric.MINISWHITE;
        var output = new byte[width * height * (grey ? 1 : 3)];
        for (int i = 0; i < raster.Length; i++)
        {
            int abgr = raster[i];
            if (grey) output[i] = (byte)(abgr & 0xFF);
            else { output[i * 3] = (byte)(abgr & 0xFF); output[i * 3 + 1] = (byte)((abgr >> 8) & 0xFF); output[i * 3 + 2] = (byte)((abgr >> 16) & 0xFF); }
        }
        return new ImageFrame(width, height, grey ? 1 : 3, 8, output);
    }

    private static int GetInt(Tiff tiff, TiffTag tag, int fallback)
    {
        var field = tiff.GetFieldDefaulted(tag);
        return field is { Length: > 0 } ? field[0].ToInt() : fallback;
    }

    // LibTiff reports problems through a global handler and may then throw anything; both become ImageFormatException.
    private static T Guard<T>(string path, Func<T> action)
    {
        CollectingErrorHandler.LastError = null;
        try { return action(); }
        catch (ImageFormatException) { throw; }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // LibTiff's own report says what it choked on; a runtime exception's text (a failed cast, an overflow) would not.
            throw new ImageFormatException(path, $"corrupt TIFF: {CollectingErrorHandler.LastError ?? (e is IOException or InvalidDataException ? e.Message : "a damaged tag or strip could not be read")}", e);
        }
    }

    private static string LastErrorSuffix() => CollectingErrorHandler.LastError is { } e ? $": {e}" : "";

    private sealed class CollectingErrorHandler : TiffErrorHandler
    {
        [ThreadStatic] public static string? LastError;
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) => LastError = Format(format, args);
        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) => LastError = Format(format, args);
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
        private static string Format(string format, object[] args)
        {
            try { return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args); }
            catch (FormatException) { return format; }
        }
    }
}
