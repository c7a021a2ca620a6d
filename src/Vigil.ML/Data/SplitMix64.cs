namespace Vigil.ML.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its published algorithm, so orders
/// and augmentations stay the same across .NET versions (System.Random's seeded sequence is not a documented contract).
/// Every stream is derived from (seed, epoch, purpose, index) alone: no generator state has to be saved to resume.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The generator for one purpose of one epoch (stream 0: order; 1 + b: augmentation of batch b).</summary>
    public static SplitMix64 For(long seed, int epoch, long stream) =>
        new(Mix(Mix(Mix((ulong)seed) ^ (ulong)(uint)epoch) ^ (ulong)stream));

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        ulong bound = (ulong)n;
        UInt128 product = (UInt128)Next() * bound;
        if ((ulong)product < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while ((ulong)product < threshold) product = (UInt128)Next() * bound;
        }
        return (int)(product >> 64);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
