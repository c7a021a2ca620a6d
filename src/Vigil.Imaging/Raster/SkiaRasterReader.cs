using SkiaSharp;

namespace Vigil.Imaging.Raster;

/// <summary>
/// JPEG, BMP and WebP through SkiaSharp (libjpeg-turbo, libwebp): 8-bit grey or RGB output.
/// PNG has its own full-depth reader; TIFF goes through LibTiff for 16-bit and multi-page support.
/// </summary>
public sealed class SkiaRasterReader : IImageReader
{
    /// <inheritdoc />
    public string FormatName => "JPEG/BMP/WebP";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".webp"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) =>
        header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])                               // JPEG SOI + marker
        || (header.Length >= 14 && header.StartsWith("BM"u8))                                    // BMP file header
        || (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8));

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, $"cannot read file: {e.Message}", e);
        }
        return [new DecodedImage(Decode(bytes, path, options), ImageMetadata.Empty)];
    }

    /// <summary>Decodes an in-memory JPEG/BMP/WebP file.</summary>
    /// <exception cref="ImageFormatException">The bytes are not a decodable image.</exception>
    public static ImageFrame Decode(byte[] bytes, string pathForErrors, ImageReadOptions options)
    {
        // From SKData, not a managed stream: Skia's managed-stream callbacks can overflow on hostile input and abort the process.
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageFormatException(pathForErrors, "not a decodable JPEG/BMP/WebP image (corrupt or truncated header)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageFormatException(pathForErrors, $"invalid image dimensions {info.Width}x{info.Height}");
        if ((long)info.Width * info.Height > options.MaxPixelsPerImage)
            throw new ImageFormatException(pathForErrors, $"image declares {info.Width}x{info.Height} pixels, above the limit of {options.MaxPixelsPerImage}");

        bool grey = info.ColorType == SKColorType.Gray8;
        var target = new SKImageInfo(info.Width, info.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[target.BytesSize];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = pixels) result = codec.GetPixels(target, (IntPtr)p);
        }
        // A truncated file decodes partially: the rest is blank, so treat it as corrupt rather than train on it.
        if (result != SKCodecResult.Success)
            throw new ImageFormatException(pathForErrors, $"decoding failed: {Describe(result)}");
        return grey ? ImageFrame.Grey8(info.Width, info.Height, pixels) : new ImageFrame(info.Width, info.Height, 3, 8, DropAlpha(pixels));
    }

    private static byte[] DropAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int s = 0, d = 0; s < rgba.Length; s += 4, d += 3)
        {
            rgb[d] = rgba[s]; rgb[d + 1] = rgba[s + 1]; rgb[d + 2] = rgba[s + 2];
        }
        return rgb;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated",
        SKCodecResult.ErrorInInput => "the file is corrupt",
        SKCodecResult.InvalidInput => "the file is not a valid image",
        SKCodecResult.Unimplemented => "this encoding variant is not supported",
        _ => result.ToString(),
    };
}
