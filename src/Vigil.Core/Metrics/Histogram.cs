namespace Vigil.Core.Metrics;

/// <summary>
/// Counts of values in equal-width bins, numpy's <c>np.histogram(values, bins, range)</c>: bin i covers
/// [BinEdges[i], BinEdges[i+1]), the last bin also includes its right edge. Values outside the range are not in
/// any bin but are counted in <see cref="Underflow"/> / <see cref="Overflow"/> (numpy drops them silently).
/// </summary>
/// <param name="BinEdges">Bin count + 1 edges, ascending.</param>
/// <param name="Counts">Values per bin.</param>
/// <param name="Underflow">Values below the first edge.</param>
/// <param name="Overflow">Values above the last edge.</param>
public sealed record Histogram(IReadOnlyList<double> BinEdges, IReadOnlyList<int> Counts, int Underflow, int Overflow)
{
    /// <summary>Histogram over the data's own range [min, max] (numpy's default range).</summary>
    /// <exception cref="ArgumentException">No value, a non-finite value, or fewer than one bin.</exception>
    public static Histogram Compute(ReadOnlySpan<double> values, int binCount)
    {
        var (min, max) = Descriptive.FiniteRange(values, nameof(values));
        return Compute(values, binCount, min, max);
    }

    /// <summary>Histogram over a fixed range, e.g. [0, 1] for probabilities, so histograms of different runs line up.</summary>
    /// <exception cref="ArgumentException">A non-finite value, fewer than one bin, or an invalid range.</exception>
    public static Histogram Compute(ReadOnlySpan<double> values, int binCount, double min, double max)
    {
        var bins = new Bins(binCount, min, max);
        var counts = new int[binCount];
        int under = 0, over = 0;
        for (int i = 0; i < values.Length; i++)
        {
            int b = bins.IndexOf(values[i], nameof(values));
            if (b < 0) under++;
            else if (b >= binCount) over++;
            else counts[b]++;
        }
        return new Histogram(bins.Edges, counts, under, over);
    }
}
