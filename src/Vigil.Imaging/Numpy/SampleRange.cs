namespace Vigil.Imaging.Numpy;

/// <summary>Running minimum and maximum of finite samples (NaN and infinities are ignored).</summary>
internal sealed class SampleRange
{
    /// <summary>Smallest finite sample seen (0 when none).</summary>
    public double Min { get; private set; } = double.PositiveInfinity;
    /// <summary>Largest finite sample seen (0 when none).</summary>
    public double Max { get; private set; } = double.NegativeInfinity;
    /// <summary>True once a finite sample has been seen.</summary>
    public bool Any => Min <= Max;

    /// <summary>Adds every sample in <paramref name="raw"/> (a whole number of elements).</summary>
    public void Add(ReadOnlySpan<byte> raw, ElementType type)
    {
        int size = type.Size;
        if (type.Kind is ElementKind.UInt8 or ElementKind.Bool)
        {
            if (raw.IsEmpty) return;
            byte lo = 255, hi = 0;
            foreach (var b in raw) { if (b < lo) lo = b; if (b > hi) hi = b; }
            if (type.Kind == ElementKind.Bool) { lo = lo != 0 ? (byte)1 : (byte)0; hi = hi != 0 ? (byte)1 : (byte)0; }
            Include(lo, hi);
            return;
        }
        Span<double> buffer = stackalloc double[512];
        double min = Min, max = Max;
        for (int offset = 0; offset + size <= raw.Length;)
        {
            int count = Math.Min(buffer.Length, (raw.Length - offset) / size);
            var values = buffer[..count];
            SampleDecoder.ToDouble(raw.Slice(offset, count * size), type, values);
            foreach (var v in values)
            {
                if (!double.IsFinite(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
            }
            offset += count * size;
        }
        Min = min; Max = max;
    }

    /// <summary>Marks 0..255 as seen: the range uint8 data is mapped with, read or not.</summary>
    public SampleRange WithFullByteRange()
    {
        Include(0, 255);
        return this;
    }

    private void Include(double lo, double hi)
    {
        if (lo < Min) Min = lo;
        if (hi > Max) Max = hi;
    }
}
