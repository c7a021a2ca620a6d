using BitMiracle.LibTiff.Classic;
using SkiaSharp;
using Vigil.Imaging.Png;

namespace Vigil.Imaging;

/// <summary>Outcome of one codec self-test.</summary>
/// <param name="Codec">Codec name ("PNG", "JPEG"…).</param>
/// <param name="Works">True when an image encoded in memory decoded back with the right pixels.</param>
/// <param name="Detail">Library and depth facts, or the failure.</param>
public sealed record CodecStatus(string Codec, bool Works, string Detail);

/// <summary>
/// Self-test of the image codecs for <c>vigil doctor</c>: each codec round-trips a small image in memory,
/// which proves the native libraries load and the readers are registered.
/// </summary>
public static class CodecProbe
{
    /// <summary>Runs every codec self-test; never throws.</summary>
    public static IReadOnlyList<CodecStatus> Run()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        var grey = new byte[16 * 12];
        for (int i = 0; i < grey.Length; i++) grey[i] = (byte)(i * 7);
        var frame8 = ImageFrame.Grey8(16, 12, grey);
        var samples16 = new ushort[16 * 12];
        for (int i = 0; i < samples16.Length; i++) samples16[i] = (ushort)(i * 331);
        var frame16 = ImageFrame.Grey16(16, 12, samples16);
        return
        [
            Probe("PNG", ".png", () => PngEncoder.Encode(frame16), frame16, exact: true, registry, "own codec, 8/16-bit"),
            Probe("JPEG", ".jpg", () => SkiaEncode(frame8, SKEncodedImageFormat.Jpeg), frame8, exact: false, registry, "SkiaSharp " + SkiaVersion()),
            Probe("WebP", ".webp", () => SkiaEncode(frame8, SKEncodedImageFormat.Webp, 100), frame8, exact: false, registry, "SkiaSharp " + SkiaVersion()),
            Probe("TIFF", ".tif", () => TiffEncode(frame16), frame16, exact: true, registry, "BitMiracle.LibTiff.NET, 8/16-bit, multi-page"),
        ];
    }

    private static CodecStatus Probe(string codec, string extension, Func<byte[]> encode, ImageFrame expected, bool exact, ImageReaderRegistry registry, string detail)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-probe-{Guid.NewGuid():N}{extension}");
        try
        {
            File.WriteAllBytes(path, encode());
            var decoded = registry.Read(path).Single().Frame;
            bool same = decoded.Width == expected.Width && decoded.Height == expected.Height && decoded.BitDepth == expected.BitDepth
                        && (!exact || decoded.Data.AsSpan().SequenceEqual(expected.Data));
            return new CodecStatus(codec, same, same ? detail : "decoded pixels differ from the encoded ones");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new CodecStatus(codec, false, $"{e.GetType().Name}: {e.Message}");
        }
        finally { File.Delete(path); }
    }

    private static byte[] SkiaEncode(ImageFrame frame, SKEncodedImageFormat format, int quality = 95)
    {
        var info = new SKImageInfo(frame.Width, frame.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(frame.Data, 0, bitmap.GetPixels(), frame.Data.Length);
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        return data.ToArray();
    }

    private static byte[] TiffEncode(ImageFrame frame)
    {
        using var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("probe", "w", stream, new TiffStream()) ?? throw new InvalidOperationException("LibTiff cannot open a stream"))
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, frame.Width);
            tiff.SetField(TiffTag.IMAGELENGTH, frame.Height);
            tiff.SetField(TiffTag.BITSPERSAMPLE, frame.BitDepth);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.ROWSPERSTRIP, frame.Height);
            for (int y = 0; y < frame.Height; y++)
                tiff.WriteScanline(frame.Data.AsSpan(y * frame.Stride, frame.Stride).ToArray(), y);
            tiff.WriteDirectory();
            tiff.Flush();
            return stream.ToArray();
        }
    }

    private static string SkiaVersion() => typeof(SKBitmap).Assembly.GetName().Version?.ToString(3) ?? "?";
}
