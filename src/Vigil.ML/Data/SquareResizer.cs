namespace Vigil.ML.Data;

/// <summary>
/// Resizes one grey plane to S×S: pad to a square with black (centred, so the anatomy keeps its proportions and nothing
/// at the border is cut off), then resample with <see cref="ResampleAxis"/> separably (rows, then columns).
/// </summary>
internal static class SquareResizer
{
    /// <summary>Writes the S×S result, rounded to 8 bits, into <paramref name="output"/>.</summary>
    /// <param name="plane">Row-major samples on a 0–255 scale (floats, so 16-bit sources are rounded only once, here).</param>
    /// <param name="width">Plane width.</param>
    /// <param name="height">Plane height.</param>
    /// <param name="size">Output side S.</param>
    /// <param name="output">S×S bytes.</param>
    public static void Resize(ReadOnlySpan<float> plane, int width, int height, int size, Span<byte> output)
    {
        int padded = Math.Max(width, height);
        var columns = ResampleAxis.Create(padded, size, (padded - width) / 2, width);
        var rows = ResampleAxis.Create(padded, size, (padded - height) / 2, height);

        // Horizontal pass over the real rows only: height × S intermediate samples.
        var temp = new float[height * size];
        for (int y = 0; y < height; y++)
        {
            var source = plane.Slice(y * width, width);
            var target = temp.AsSpan(y * size, size);
            for (int x = 0; x < size; x++)
            {
                float sum = 0;
                for (int t = columns.Starts[x]; t < columns.Starts[x + 1]; t++)
                    sum += source[columns.Sources[t]] * columns.Weights[t];
                target[x] = sum;
            }
        }

        // Vertical pass: each output row is a weighted sum of whole intermediate rows (a contiguous, vectorisable loop).
        var accumulator = new float[size];
        for (int y = 0; y < size; y++)
        {
            Array.Clear(accumulator);
            for (int t = rows.Starts[y]; t < rows.Starts[y + 1]; t++)
            {
                float w = rows.Weights[t];
                var source = temp.AsSpan(rows.Sources[t] * size, size);
                for (int x = 0; x < size; x++) accumulator[x] += source[x] * w;
            }
            var target = output.Slice(y * size, size);
            for (int x = 0; x < size; x++)
                target[x] = (byte)Math.Clamp((int)MathF.Round(accumulator[x], MidpointRounding.AwayFromZero), 0, 255);
        }
    }
}
