namespace Vigil.ML.Data;

/// <summary>The order of one epoch: positions into the loader's selection, a pure function of (seed, epoch).</summary>
internal static class EpochPlan
{
    /// <summary>The positions (indices into <paramref name="labels"/>) drawn in epoch <paramref name="epoch"/>.</summary>
    public static int[] Order(IReadOnlyList<long> labels, Sampling sampling, long seed, int epoch)
    {
        int n = labels.Count;
        var order = new int[n];
        switch (sampling)
        {
            case Sampling.Sequential:
                for (int i = 0; i < n; i++) order[i] = i;
                return order;
            case Sampling.Shuffle:
            {
                for (int i = 0; i < n; i++) order[i] = i;
                var rng = SplitMix64.For(seed, epoch, 0);
                rng.Shuffle(order);
                return order;
            }
            case Sampling.Balanced:
                return Balanced(labels, seed, epoch);
            default:
                throw new ArgumentOutOfRangeException(nameof(sampling), sampling, null);
        }
    }

    private static int[] Balanced(IReadOnlyList<long> labels, long seed, int epoch)
    {
        var rng = SplitMix64.For(seed, epoch, 0);
        // Groups in ascending label order (-1, unlabeled, first), so the draw sequence does not depend on dictionary order.
        var groups = Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var next = new int[groups.Length];
        foreach (var group in groups) rng.Shuffle(group);
        var order = new int[labels.Count];
        for (int d = 0; d < order.Length; d++)
        {
            int g = rng.NextInt(groups.Length);
            if (next[g] == groups[g].Length) { rng.Shuffle(groups[g]); next[g] = 0; }
            order[d] = groups[g][next[g]++];
        }
        return order;
    }
}
