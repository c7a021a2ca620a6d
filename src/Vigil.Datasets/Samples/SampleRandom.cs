namespace Vigil.Datasets.Samples;

/// <summary>
/// Seeds derived from (seed, stream, index) with SplitMix64, so every image has its own generator whatever thread draws
/// it: output does not depend on scheduling. (string.GetHashCode and HashCode are randomized per process: unusable here.)
/// </summary>
internal static class SampleRandom
{
    /// <summary>A generator for one image or plan.</summary>
    public static Random For(int seed, int stream, int index)
    {
        ulong x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)(uint)stream << 32 | (uint)index);
        x = Mix(Mix(x) + (ulong)stream);
        return new Random((int)(x & 0x7FFFFFFF));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [min, max).</summary>
    public static double Range(this Random random, double min, double max) => min + (max - min) * random.NextDouble();

    /// <summary>Standard normal (Box–Muller).</summary>
    public static double Gaussian(this Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
