using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Turns a frame's stored values into an <see cref="ImageFrame"/>, following the policy in docs/formats-dicom.md,
/// and records in <c>extra</c> what it did (window used, colour conversion, stored-value offset).
/// </summary>
internal static class FrameRenderer
{
    public static ImageFrame Render(long[] values, DicomImageInfo info, DisplayParameters display, PaletteLut? palette,
        DicomValues mode, IDictionary<string, string> extra)
    {
        extra["dicom.values"] = mode == DicomValues.Stored ? "stored" : "windowed";
        if (mode == DicomValues.Stored) return Stored(values, info, extra);
        return info.PhotometricInterpretation switch
        {
            "MONOCHROME1" or "MONOCHROME2" => Grey(values, info, display, extra),
            "PALETTE COLOR" => Palette(values, info, palette ?? throw new InvalidOperationException("palette not loaded"), extra),
            _ => Colour(values, info, extra),
        };
    }

    private static ImageFrame Stored(long[] values, DicomImageInfo info, IDictionary<string, string> extra)
    {
        int channels = info.SamplesPerPixel;
        if (!info.IsSigned && info.BitsStored <= 8)
        {
            var bytes = new byte[values.Length];
            for (int i = 0; i < values.Length; i++) bytes[i] = (byte)values[i];
            extra["dicom.stored_offset"] = "0";
            extra["dicom.stored_shift"] = "0";
            return new ImageFrame(info.Columns, info.Rows, channels, 8, bytes);
        }
        // 16-bit output: signed values move up by 32768; wider-than-16-bit values lose their low bits.
        int shift = Math.Max(0, info.BitsStored - 16);
        long offset = info.IsSigned ? 32768 : 0;
        var data = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)Math.Clamp((values[i] >> shift) + offset, 0, 65535));
        extra["dicom.stored_offset"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        extra["dicom.stored_shift"] = shift.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ImageFrame(info.Columns, info.Rows, channels, 16, data);
    }

    private static ImageFrame Grey(long[] values, DicomImageInfo info, DisplayParameters display, IDictionary<string, string> extra)
    {
        int outMax = info.BitsStored > 8 ? 65535 : 255;
        var window = VoiWindow.Choose(values, display);
        extra["dicom.window"] = window.Describe();
        bool invert = info.PhotometricInterpretation == "MONOCHROME1";
        if (invert) extra["dicom.inverted"] = "MONOCHROME1 inverted so that bright means dense";
        var output = new byte[values.Length * (outMax == 255 ? 1 : 2)];
        for (int i = 0; i < values.Length; i++)
        {
            double modality = values[i] * display.Slope + display.Intercept;
            int y = (int)(window.Fraction(modality) * outMax + 0.5);
            if (invert) y = outMax - y;
            if (outMax == 255) output[i] = (byte)y;
            else BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(2 * i), (ushort)y);
        }
        return new ImageFrame(info.Columns, info.Rows, 1, outMax == 255 ? 8 : 16, output);
    }

    private static ImageFrame Palette(long[] values, DicomImageInfo info, PaletteLut palette, IDictionary<string, string> extra)
    {
        extra["dicom.color"] = "PALETTE COLOR lookup tables applied";
        var output = new byte[values.Length * 3];
        for (int i = 0; i < values.Length; i++) palette.Lookup(values[i], output.AsSpan(3 * i, 3));
        return new ImageFrame(info.Columns, info.Rows, 3, 8, output);
    }

    private static ImageFrame Colour(long[] values, DicomImageInfo info, IDictionary<string, string> extra)
    {
        var photometric = info.PhotometricInterpretation;
        if (photometric == "YBR_RCT") throw new DicomException("YBR_RCT pixel data outside a JPEG 2000 codestream is not supported");
        // Samples wider or narrower than 8 bits are scaled to 0..255 first.
        double scale = info.BitsStored == 8 ? 1 : 255.0 / ((1L << info.BitsStored) - 1);
        long signedShift = info.IsSigned ? 1L << (info.BitsStored - 1) : 0;
        var output = new byte[values.Length];
        bool partial = photometric.StartsWith("YBR_PARTIAL", StringComparison.Ordinal);
        bool ybr = photometric.StartsWith("YBR", StringComparison.Ordinal);
        if (ybr) extra["dicom.color"] = $"{photometric} converted to RGB";
        for (int p = 0; p < values.Length; p += 3)
        {
            double a = (values[p] + signedShift) * scale, b = (values[p + 1] + signedShift) * scale, c = (values[p + 2] + signedShift) * scale;
            if (ybr) (a, b, c) = partial ? YbrPartialToRgb(a, b, c) : YbrFullToRgb(a, b, c);
            output[p] = ToByte(a);
            output[p + 1] = ToByte(b);
            output[p + 2] = ToByte(c);
        }
        return new ImageFrame(info.Columns, info.Rows, 3, 8, output);
    }

    // PS3.3 C.7.6.3.1.2 (ITU-R BT.601, full range).
    private static (double R, double G, double B) YbrFullToRgb(double y, double cb, double cr) =>
        (y + 1.402 * (cr - 128), y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128), y + 1.772 * (cb - 128));

    // BT.601 limited range: Y in 16..235, chroma in 16..240.
    private static (double R, double G, double B) YbrPartialToRgb(double y, double cb, double cr)
    {
        double luma = 1.164383 * (y - 16);
        return (luma + 1.596027 * (cr - 128), luma - 0.391762 * (cb - 128) - 0.812968 * (cr - 128), luma + 2.017232 * (cb - 128));
    }

    private static byte ToByte(double value) => (byte)Math.Clamp((int)Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
}
