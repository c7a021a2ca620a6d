namespace Vigil.Core.Tests.Metrics;

/// <summary>
/// The generated inputs of make_reference.py, rebuilt in C#: same LCG, same integer arithmetic, so the doubles are
/// identical (integer / integer is correctly rounded in both languages). Checksums in SklearnReference guard this.
/// </summary>
internal static class ReferenceInputs
{
    private sealed class Lcg(uint seed)
    {
        private uint _state = seed;

        public int Next(int modulo)
        {
            _state = unchecked(_state * 1664525u + 1013904223u);
            return (int)((_state >> 8) % (uint)modulo);
        }
    }

    public static (double[] Scores, int[] Labels) TiesMedium()
    {
        var rng = new Lcg(12345);
        var scores = new double[600];
        var labels = new int[600];
        for (int i = 0; i < scores.Length; i++)
        {
            int s = rng.Next(21);
            int r = rng.Next(100);
            scores[i] = s / 20.0;
            labels[i] = r < 15 + 3 * s ? 1 : 0;
        }
        return (scores, labels);
    }

    public static (double[] Scores, int[] Labels) ErrorsLarge()
    {
        var rng = new Lcg(777);
        var scores = new double[5000];
        var labels = new int[5000];
        for (int i = 0; i < scores.Length; i++)
        {
            int y = rng.Next(10) < 2 ? 1 : 0;
            int v = rng.Next(1000) + 300 * y;
            scores[i] = v / 1000.0;
            labels[i] = y;
        }
        return (scores, labels);
    }

    public static (int[] Labels, double[][] Probabilities) Multiclass()
    {
        var rng = new Lcg(4242);
        var labels = new int[400];
        var probabilities = new double[400][];
        for (int i = 0; i < labels.Length; i++)
        {
            int y = rng.Next(4);
            var w = new int[4];
            for (int k = 0; k < 4; k++) w[k] = 1 + rng.Next(1000);
            w[y] += 700;
            int total = w.Sum();
            labels[i] = y;
            probabilities[i] = w.Select(wk => (double)wk / total).ToArray();
        }
        return (labels, probabilities);
    }

    public static double[] NormalErrors()
    {
        var rng = new Lcg(99);
        var errors = new double[1000];
        for (int i = 0; i < errors.Length; i++)
        {
            // Python evaluates rng.next(1000) * rng.next(1000) left to right, as C# does.
            int a = rng.Next(1000);
            int b = rng.Next(1000);
            errors[i] = (50_000 + a * b) / 1_000_000.0;
        }
        return errors;
    }
}
