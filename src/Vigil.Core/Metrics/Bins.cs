namespace Vigil.Core.Metrics;

/// <summary>
/// Equal-width bins placed exactly as numpy places them, so Vigil's histograms match numpy count for count,
/// including values that fall on an edge: edges are <c>i·step + min</c> (numpy's linspace) with the last edge
/// exactly max, and a value's bin is found by scaling, then corrected against the actual edges.
/// </summary>
internal sealed class Bins
{
    private readonly double _first;
    private readonly double _last;
    private readonly double _norm;

    public Bins(int binCount, double min, double max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"histogram range [{min}, {max}] must be finite.", nameof(min));
        }
        if (min > max)
        {
            throw new ArgumentException($"histogram range [{min}, {max}] has min above max.", nameof(min));
        }
        if (min == max)
        {
            // numpy widens an empty range by half a unit each side, so constant data still gets a bin.
            min -= 0.5;
            max += 0.5;
        }
        Count = binCount;
        _first = min;
        _last = max;
        _norm = binCount / (max - min);
        var edges = new double[binCount + 1];
        double step = (max - min) / binCount;
        for (int i = 0; i < binCount; i++) edges[i] = i * step + min;
        edges[binCount] = max;
        Edges = edges;
    }

    public int Count { get; }

    public double[] Edges { get; }

    /// <summary>The bin of <paramref name="value"/>: −1 below the range, <see cref="Count"/> above it.</summary>
    public int IndexOf(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"value {value} is not finite; histograms need finite values.", paramName);
        }
        if (value < _first) return -1;
        if (value > _last) return Count;

        int index = (int)((value - _first) * _norm);
        if (index == Count) index--;
        if (value < Edges[index]) index--;
        else if (index != Count - 1 && value >= Edges[index + 1]) index++;
        return index;
    }
}
