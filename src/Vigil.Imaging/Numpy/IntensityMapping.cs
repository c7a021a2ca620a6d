using System.Globalization;
using System.Runtime.InteropServices;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// One linear map from stored samples to 8- or 16-bit pixels, shared by every image of a container so that
/// intensities stay comparable between images: <c>pixel = round((value − Min) × Factor)</c>, clamped, NaN → 0.
/// </summary>
internal sealed class IntensityMapping
{
    private IntensityMapping(int bitDepth, double min, double factor)
    {
        BitDepth = bitDepth; Min = min; Factor = factor;
    }

    /// <summary>Output bits per sample: 8 or 16.</summary>
    public int BitDepth { get; }
    /// <summary>Sample value mapped to pixel 0.</summary>
    public double Min { get; }
    /// <summary>Pixels per unit of sample value.</summary>
    public double Factor { get; }
    /// <summary>True when pixels equal the stored values (no rounding, no offset).</summary>
    public bool IsIdentity => Min == 0 && Factor == 1;

    /// <summary>
    /// The map for arrays (npy/npz, IDX): uint8 and integers within 0..255 stay 8-bit as they are; bool becomes 0/255;
    /// floats within [0,1] become value×255 (8-bit); integers within 0..65535 stay 16-bit as they are; integers whose
    /// range spans at most 65535 are offset by their minimum; anything else is stretched min..max onto 0..65535.
    /// </summary>
    public static IntensityMapping ForArray(ElementType type, SampleRange range)
    {
        if (type.Kind == ElementKind.Bool) return new(8, 0, 255);
        if (!range.Any) return new(type.Kind == ElementKind.UInt8 ? 8 : 16, 0, 1);
        if (!type.IsFloat && range.Min >= 0 && range.Max <= 255) return new(8, 0, 1);
        if (type.IsFloat && range.Min >= 0 && range.Max <= 1) return new(8, 0, 255);
        return Sixteen(type, range);
    }

    /// <summary>
    /// The map for volumes (NIfTI): uint8 stays 8-bit; every other type becomes 16-bit: integers within 0..65535 as
    /// they are, integers whose range spans at most 65535 offset by their minimum, everything else stretched min..max.
    /// </summary>
    public static IntensityMapping ForVolume(ElementType type, SampleRange range)
    {
        if (type.Kind == ElementKind.UInt8) return new(8, 0, 1);
        if (!range.Any) return new(16, 0, 1);
        return Sixteen(type, range);
    }

    private static IntensityMapping Sixteen(ElementType type, SampleRange range)
    {
        if (!type.IsFloat && range.Min >= 0 && range.Max <= 65535) return new(16, 0, 1);
        double span = range.Max - range.Min;
        if (!type.IsFloat && span <= 65535) return new(16, range.Min, 1);
        return new(16, range.Min, span > 0 ? 65535.0 / span : 1);
    }

    /// <summary>Maps samples to pixels: <paramref name="destination"/> holds one byte (8-bit) or two (16-bit, little-endian) per sample.</summary>
    public void Apply(ReadOnlySpan<double> values, Span<byte> destination)
    {
        if (BitDepth == 8)
        {
            for (int i = 0; i < values.Length; i++) destination[i] = (byte)Map(values[i], 255);
            return;
        }
        var wide = MemoryMarshal.Cast<byte, ushort>(destination);
        for (int i = 0; i < values.Length; i++) wide[i] = (ushort)Map(values[i], 65535);
    }

    /// <summary>
    /// Maps raw samples of <paramref name="type"/> (a whole number of elements) to pixels in chunks, so that no
    /// image-sized buffer of doubles is ever needed.
    /// </summary>
    public void ApplyRaw(ReadOnlySpan<byte> raw, ElementType type, Span<byte> destination)
    {
        Span<double> chunk = stackalloc double[1024];
        int size = type.Size, outSize = BitDepth / 8, count = raw.Length / size;
        for (int start = 0; start < count; start += chunk.Length)
        {
            int n = Math.Min(chunk.Length, count - start);
            SampleDecoder.ToDouble(raw.Slice(start * size, n * size), type, chunk[..n]);
            Apply(chunk[..n], destination.Slice(start * outSize, n * outSize));
        }
    }

    private double Map(double value, double top)
    {
        if (double.IsNaN(value)) return 0;
        double x = Math.Floor((value - Min) * Factor + 0.5);
        return x < 0 ? 0 : x > top ? top : x;
    }

    /// <summary>
    /// Facts for <see cref="ImageMetadata.Extra"/>: "intensity_offset" and "intensity_scale" such that
    /// <c>value = offset + scale × pixel</c>, after the container's own rescale <c>slope × stored + inter</c>.
    /// </summary>
    public void Describe(IDictionary<string, string> extra, double slope = 1, double inter = 0)
    {
        extra["intensity_offset"] = (slope * Min + inter).ToString("R", CultureInfo.InvariantCulture);
        extra["intensity_scale"] = (slope / Factor).ToString("R", CultureInfo.InvariantCulture);
    }
}
