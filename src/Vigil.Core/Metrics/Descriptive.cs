namespace Vigil.Core.Metrics;

/// <summary>
/// Mean, standard deviation and percentiles with numpy's definitions. Inputs must be non-empty and finite
/// (<see cref="ArgumentException"/> otherwise): a NaN would silently poison every statistic derived from it.
/// </summary>
public static class Descriptive
{
    /// <summary>Arithmetic mean.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        RequireFinite(values, nameof(values));
        return MeanOf(values);
    }

    /// <summary>Population standard deviation, sqrt(Σ(x − mean)² / n) (numpy's <c>np.std</c>, ddof = 0).</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values)
    {
        RequireFinite(values, nameof(values));
        return StdOf(values, MeanOf(values));
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile, numpy's <c>np.percentile(values, percent)</c> (method "linear":
    /// rank h = (n − 1)·p/100, interpolated between the values at floor(h) and floor(h) + 1). O(n log n).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> outside [0, 100].</exception>
    public static double Percentile(ReadOnlySpan<double> values, double percent)
    {
        RequirePercent(percent);
        RequireFinite(values, nameof(values));
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        return PercentileOfSorted(sorted, percent);
    }

    /// <summary>Several percentiles from one sort.</summary>
    public static double[] Percentiles(ReadOnlySpan<double> values, ReadOnlySpan<double> percents)
    {
        foreach (double p in percents) RequirePercent(p);
        RequireFinite(values, nameof(values));
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        var result = new double[percents.Length];
        for (int i = 0; i < result.Length; i++) result[i] = PercentileOfSorted(sorted, percents[i]);
        return result;
    }

    /// <summary>Count, mean, std, min/max and the usual percentiles in one call.</summary>
    public static ScoreSummary Summarize(ReadOnlySpan<double> values)
    {
        RequireFinite(values, nameof(values));
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        double mean = MeanOf(values);
        return new ScoreSummary(
            sorted.Length, mean, StdOf(values, mean), sorted[0],
            PercentileOfSorted(sorted, 1), PercentileOfSorted(sorted, 5), PercentileOfSorted(sorted, 25),
            PercentileOfSorted(sorted, 50), PercentileOfSorted(sorted, 75), PercentileOfSorted(sorted, 95),
            PercentileOfSorted(sorted, 99), sorted[^1]);
    }

    /// <summary>numpy's linear percentile on ascending data, written in numpy's operation order to match it bit for bit.</summary>
    internal static double PercentileOfSorted(double[] sorted, double percent)
    {
        int n = sorted.Length;
        double q = percent / 100.0;
        double rank = n * q + (1.0 - q) - 1.0;
        if (rank <= 0) return sorted[0];
        if (rank >= n - 1) return sorted[n - 1];
        int below = (int)Math.Floor(rank);
        double t = rank - below;
        double a = sorted[below], b = sorted[below + 1];
        double diff = b - a;
        // numpy's _lerp interpolates from the nearer end, which keeps results monotone in t.
        return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
    }

    /// <summary>Min and max of non-empty finite values.</summary>
    internal static (double Min, double Max) FiniteRange(ReadOnlySpan<double> values, string paramName)
    {
        RequireFinite(values, paramName);
        double min = values[0], max = values[0];
        foreach (double v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }

    private static double MeanOf(ReadOnlySpan<double> values)
    {
        double sum = 0.0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }

    // Two passes (mean first) rather than Σx² − n·mean², which cancels catastrophically for errors with a large offset.
    private static double StdOf(ReadOnlySpan<double> values, double mean)
    {
        double squares = 0.0;
        foreach (double v in values)
        {
            double d = v - mean;
            squares += d * d;
        }
        return Math.Sqrt(squares / values.Length);
    }

    private static void RequireFinite(ReadOnlySpan<double> values, string paramName)
    {
        if (values.IsEmpty) throw new ArgumentException("no values: statistics need at least one.", paramName);
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"value {i} is {values[i]}; values must be finite.", paramName);
            }
        }
    }

    private static void RequirePercent(double percent)
    {
        if (!(percent >= 0.0 && percent <= 100.0))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "percentiles must be within [0, 100].");
        }
    }
}
