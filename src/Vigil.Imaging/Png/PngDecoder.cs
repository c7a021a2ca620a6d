using System.Buffers;
using System.IO.Compression;

namespace Vigil.Imaging.Png;

/// <summary>
/// PNG decoder at full bit depth (written here because the packages served to this build reduce 16-bit PNG to 8 bits).
/// Every colour type, bit depths 1–16, Adam7 interlacing, all five filters; every chunk's CRC is checked.
/// Output follows <see cref="PngRowConverter"/>: grey → 1 channel, colour → 3, alpha composited onto black.
/// </summary>
public static class PngDecoder
{
    // Deflate cannot expand data more than 1032:1, so less compressed data than this cannot hold the declared image.
    private const long MaxDeflateRatio = 1032;

    /// <summary>Decodes an in-memory PNG file.</summary>
    /// <param name="png">The whole file.</param>
    /// <param name="options">Limits (<see cref="ImageReadOptions.MaxPixelsPerImage"/>); defaults when null.</param>
    /// <param name="pathForErrors">Named in exceptions.</param>
    /// <exception cref="ImageFormatException">The bytes are not a valid PNG, or it exceeds the limits.</exception>
    public static ImageFrame Decode(ReadOnlyMemory<byte> png, ImageReadOptions? options = null, string pathForErrors = "")
    {
        options ??= ImageReadOptions.Default;
        var chunks = PngChunks.Parse(png.Span, pathForErrors);
        var header = chunks.Header;
        long pixels = (long)header.Width * header.Height;
        if (pixels > options.MaxPixelsPerImage)
            throw new ImageFormatException(pathForErrors, $"PNG declares {header.Width}x{header.Height} pixels, above the limit of {options.MaxPixelsPerImage:N0}");
        long inflated = header.InflatedSize();
        if (inflated > chunks.IdatBytes * MaxDeflateRatio + 1024)
            throw new ImageFormatException(pathForErrors, $"PNG image data is truncated: {chunks.IdatBytes:N0} compressed bytes cannot hold {header.Width}x{header.Height} pixels");

        var converter = new PngRowConverter(header,
            png.Span.Slice(chunks.Palette.Offset, chunks.Palette.Length),
            png.Span.Slice(chunks.Transparency.Offset, chunks.Transparency.Length));
        long outBytes = pixels * converter.OutPixelBytes;
        if (outBytes > Array.MaxLength || header.RowBytes(header.Width) + 1 > Array.MaxLength)
            throw new ImageFormatException(pathForErrors, $"PNG of {header.Width}x{header.Height} pixels is too large to decode");
        var output = new byte[outBytes];

        try
        {
            using var zlib = new ZLibStream(new IdatStream(png, chunks.Idat), CompressionMode.Decompress);
            using var rows = new RowSource(zlib, inflated);
            if (!header.Interlaced)
                DecodePass(rows, header, converter, output, new Adam7(0, 0, 1, 1), pathForErrors);
            else
                foreach (var pass in Adam7.Passes) DecodePass(rows, header, converter, output, pass, pathForErrors);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ImageFormatException(pathForErrors, $"PNG image data is corrupt: {e.Message}", e);
        }
        // Anything the stream still holds after the last row is never inflated: a decompression bomb stops here.
        return new ImageFrame(header.Width, header.Height, converter.OutChannels, converter.OutBitDepth, output);
    }

    // Reads, unfilters and converts the rows of one pass (the whole image when not interlaced) into the output.
    private static void DecodePass(RowSource source, PngHeader header, PngRowConverter converter, byte[] output, Adam7 pass, string path)
    {
        var (width, height) = pass.Size(header.Width, header.Height);
        if (width == 0 || height == 0) return;
        int rowBytes = (int)header.RowBytes(width);
        int pixelBytes = converter.OutPixelBytes;
        int outStride = header.Width * pixelBytes;
        bool direct = pass.Dx == 1;
        int stride = header.FilterStride;

        var scratch = ArrayPool<byte>.Shared.Rent(rowBytes + (direct ? 0 : width * pixelBytes));
        try
        {
            var previous = scratch.AsSpan(0, rowBytes);
            var scattered = scratch.AsSpan(rowBytes, direct ? 0 : width * pixelBytes);
            previous.Clear();
            for (int r = 0; r < height; r++)
            {
                var filtered = source.Next(rowBytes + 1);
                if (filtered.IsEmpty)
                    throw new ImageFormatException(path, "PNG image data is truncated (fewer rows than the header declares)");
                var current = filtered[1..];
                if (!PngFilters.Unfilter(filtered[0], current, previous, stride))
                    throw new ImageFormatException(path, $"PNG row uses unknown filter type {filtered[0]}");
                int y = pass.Y0 + r * pass.Dy;
                if (direct)
                    converter.Convert(current, width, output.AsSpan(y * outStride, outStride));
                else
                {
                    converter.Convert(current, width, scattered);
                    Scatter(scattered, output.AsSpan(y * outStride, outStride), pass, pixelBytes);
                }
                current.CopyTo(previous); // the source's buffer moves on; the next row filters against this one
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    // Places the pixels of one interlaced pass row at their columns in the full-resolution row.
    private static void Scatter(ReadOnlySpan<byte> passRow, Span<byte> imageRow, Adam7 pass, int pixelBytes)
    {
        int count = passRow.Length / pixelBytes;
        for (int i = 0; i < count; i++)
            passRow.Slice(i * pixelBytes, pixelBytes).CopyTo(imageRow[((pass.X0 + i * pass.Dx) * pixelBytes)..]);
    }
}
