namespace Vigil.ML.Data;

/// <summary>
/// The taps of a 1-D resampling from a padded axis of <c>paddedLength</c> samples to <c>outputLength</c>, in compressed
/// rows: output i reads <see cref="Sources"/>[<see cref="Starts"/>[i] .. <see cref="Starts"/>[i+1]) with the matching
/// <see cref="Weights"/>. Taps that fall in the padding are left out: the padding is black (0), so they add nothing.
/// </summary>
internal sealed class ResampleAxis
{
    private ResampleAxis(int[] starts, int[] sources, float[] weights) { Starts = starts; Sources = sources; Weights = weights; }

    public int[] Starts { get; }
    public int[] Sources { get; }
    public float[] Weights { get; }

    /// <summary>
    /// Area averaging when shrinking (each output sample is the mean of the input interval it covers, fractional edges
    /// weighted by overlap: no aliasing, and exact block means at integer factors); bilinear with half-pixel centres when
    /// enlarging or keeping the size.
    /// </summary>
    /// <param name="paddedLength">Length of the padded (square) axis.</param>
    /// <param name="outputLength">Output length.</param>
    /// <param name="offset">Where the real samples start inside the padded axis.</param>
    /// <param name="validLength">How many real samples there are.</param>
    public static ResampleAxis Create(int paddedLength, int outputLength, int offset, int validLength)
    {
        var starts = new int[outputLength + 1];
        var sources = new List<int>(outputLength * 4);
        var weights = new List<float>(outputLength * 4);
        double scale = (double)paddedLength / outputLength;
        for (int i = 0; i < outputLength; i++)
        {
            starts[i] = sources.Count;
            if (scale > 1)
            {
                double lo = i * scale, hi = (i + 1) * scale;
                int first = (int)Math.Floor(lo), last = Math.Min(paddedLength, (int)Math.Ceiling(hi)) - 1;
                for (int j = first; j <= last; j++)
                    Add(j, (Math.Min(hi, j + 1) - Math.Max(lo, j)) / scale);
            }
            else
            {
                double at = Math.Clamp((i + 0.5) * scale - 0.5, 0, paddedLength - 1);
                int j0 = (int)Math.Floor(at);
                double f = at - j0;
                Add(j0, 1 - f);
                if (f > 0 && j0 + 1 < paddedLength) Add(j0 + 1, f);
            }
        }
        starts[outputLength] = sources.Count;
        return new ResampleAxis(starts, [.. sources], [.. weights]);

        void Add(int paddedIndex, double weight)
        {
            int source = paddedIndex - offset;
            if (weight <= 0 || source < 0 || source >= validLength) return;
            sources.Add(source);
            weights.Add((float)weight);
        }
    }
}
