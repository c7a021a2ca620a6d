using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Labels;

/// <summary>
/// Merges labels that differ only in letter case ("NORMAL" in one source, "normal" in another) into one class,
/// spelled the way most images spell it (ties: the ordinal-first spelling), so combining sources does not split classes.
/// </summary>
internal static class LabelMerger
{
    /// <summary>Rewrites labels in place; returns the sorted class names.</summary>
    public static List<string> Merge(IReadOnlyList<ImageRecord> records)
    {
        var spellings = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in records)
        {
            if (!r.IsLabeled) continue;
            if (!spellings.TryGetValue(r.Label, out var counts)) spellings.Add(r.Label, counts = new(StringComparer.Ordinal));
            counts[r.Label] = counts.GetValueOrDefault(r.Label) + 1;
        }
        var canonical = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, counts) in spellings)
        {
            string best = "";
            int bestCount = -1;
            foreach (var (spelling, n) in counts)
                if (n > bestCount || (n == bestCount && string.CompareOrdinal(spelling, best) < 0)) { best = spelling; bestCount = n; }
            canonical[key] = best;
        }
        foreach (var r in records)
            if (r.IsLabeled) r.Label = canonical[r.Label];
        var classes = canonical.Values.ToList();
        classes.Sort(StringComparer.Ordinal);
        return classes;
    }
}
