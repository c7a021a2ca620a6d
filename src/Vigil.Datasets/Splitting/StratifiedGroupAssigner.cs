namespace Vigil.Datasets.Splitting;

/// <summary>A set of images that must stay together, with its images counted per class.</summary>
/// <param name="Size">Images in the group.</param>
/// <param name="Classes">Class indexes present in the group.</param>
/// <param name="Counts">Images per class, parallel to <paramref name="Classes"/>.</param>
internal sealed record GroupCounts(int Size, int[] Classes, int[] Counts);

/// <summary>
/// Assigns whole groups to splits so that every class is spread in the requested proportions. Groups are taken
/// largest first (ties in seeded random order) and each goes to the split that still needs its classes most, measured
/// as the share of each class still missing there. The first group holding a class goes to train, so a class of two
/// images never vanishes from training. Deterministic for a seed.
/// </summary>
internal static class StratifiedGroupAssigner
{
    /// <summary>Split index (into <paramref name="fractions"/>) of every group.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="fractions">Wanted share per split (relative; normalised here); splits with 0 receive nothing. Index 0 is train.</param>
    /// <param name="classCount">Number of class indexes.</param>
    /// <param name="random">Seeded source of the tie order.</param>
    public static int[] Assign(IReadOnlyList<GroupCounts> groups, double[] fractions, int classCount, Random random)
    {
        int splits = fractions.Length;
        // Proportions are relative: carving val out of train passes (0.70, 0.15, 0), which must mean 70:15.
        double sum = fractions.Sum();
        fractions = fractions.Select(f => f / sum).ToArray();
        var totals = new double[classCount];
        foreach (var g in groups)
            for (int k = 0; k < g.Classes.Length; k++) totals[g.Classes[k]] += g.Counts[k];
        var current = new double[splits, classCount];

        // Seeded shuffle, then a stable sort by size (descending) that keeps the shuffled order among equals.
        var order = new int[groups.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var rank = new int[order.Length];
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i;
        Array.Sort(order, (a, b) => groups[a].Size != groups[b].Size ? groups[b].Size.CompareTo(groups[a].Size) : rank[a].CompareTo(rank[b]));

        var result = new int[groups.Count];
        foreach (var gi in order)
        {
            var g = groups[gi];
            int best = fractions[0] > 0 && HasNewClass(g, current) ? 0 : BestSplit(g, fractions, totals, current);
            result[gi] = best;
            for (int k = 0; k < g.Classes.Length; k++) current[best, g.Classes[k]] += g.Counts[k];
        }
        return result;
    }

    private static bool HasNewClass(GroupCounts g, double[,] current)
    {
        foreach (var c in g.Classes) if (current[0, c] == 0) return true;
        return false;
    }

    private static int BestSplit(GroupCounts g, double[] fractions, double[] totals, double[,] current)
    {
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int s = 0; s < fractions.Length; s++)
        {
            if (fractions[s] <= 0) continue;
            double score = 0;
            for (int k = 0; k < g.Classes.Length; k++)
            {
                int c = g.Classes[k];
                score += g.Counts[k] * (fractions[s] * totals[c] - current[s, c]) / totals[c];
            }
            // Strictly greater: ties go to the earlier split (train before val before test).
            if (score > bestScore + 1e-12) { best = s; bestScore = score; }
        }
        return best;
    }
}
