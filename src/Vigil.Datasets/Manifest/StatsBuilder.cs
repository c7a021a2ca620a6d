using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Manifest;

/// <summary>Counts and statistics over the records, with keys in ordinal order so JSON output is stable.</summary>
internal static class StatsBuilder
{
    /// <summary>Labeled images per split and class, plus "all".</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ClassCounts(IReadOnlyList<ImageRecord> records, IReadOnlyList<string> classes)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>();
        foreach (var split in (string[])["train", "val", "test", "all"])
        {
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var c in classes) counts[c] = 0;
            foreach (var r in records)
                if (r.IsLabeled && (split == "all" || r.Split == split)) counts[r.Label]++;
            result[split] = counts;
        }
        return result;
    }

    /// <summary>Unlabeled images per split.</summary>
    public static IReadOnlyDictionary<string, int> UnlabeledCounts(IReadOnlyList<ImageRecord> records)
    {
        var counts = new Dictionary<string, int> { ["train"] = 0, ["val"] = 0, ["test"] = 0 };
        foreach (var r in records) if (!r.IsLabeled) counts[r.Split]++;
        return counts;
    }

    /// <summary>How many records have each value of <paramref name="key"/>.</summary>
    public static SortedDictionary<string, int> CountBy(IEnumerable<ImageRecord> records, Func<ImageRecord, string> key)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var k = key(r);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        return counts;
    }

    /// <summary>Width/height ranges and medians, channel and bit-depth counts.</summary>
    public static ImageSizeStats ImageSize(IReadOnlyList<ImageRecord> records) => new(
        Range(records, static r => r.Width),
        Range(records, static r => r.Height),
        CountBy(records, static r => r.Channels.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        CountBy(records, static r => r.BitDepth.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static RangeStats Range(IReadOnlyList<ImageRecord> records, Func<ImageRecord, int> value)
    {
        if (records.Count == 0) return new RangeStats(0, 0, 0);
        var values = new int[records.Count];
        for (int i = 0; i < values.Length; i++) values[i] = value(records[i]);
        Array.Sort(values);
        return new RangeStats(values[0], values[^1], values[(values.Length - 1) / 2]);
    }

    /// <summary>Exact duplicate sets, with up to 10 examples and every label conflict counted.</summary>
    public static DuplicateReport Duplicates(IReadOnlyList<ImageRecord> records)
    {
        var byHash = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < records.Count; i++)
        {
            if (!byHash.TryGetValue(records[i].ContentHash, out var list))
            {
                byHash.Add(records[i].ContentHash, list = []);
                order.Add(records[i].ContentHash);
            }
            list.Add(i);
        }
        int count = 0, groups = 0, conflicts = 0;
        var examples = new List<IReadOnlyList<string>>();
        var conflictExamples = new List<DuplicateConflict>();
        foreach (var hash in order)
        {
            var members = byHash[hash];
            if (members.Count < 2) continue;
            groups++;
            count += members.Count - 1;
            var paths = members.Select(i => records[i].Path).ToList();
            if (examples.Count < 10) examples.Add(paths);
            var labels = members.Select(i => records[i].Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            // An unlabeled copy of a labeled image is no conflict; two different labels on the same pixels are.
            if (labels.Count(l => l.Length > 0) > 1)
            {
                conflicts++;
                if (conflictExamples.Count < 10) conflictExamples.Add(new DuplicateConflict(hash, labels, paths));
            }
        }
        return new DuplicateReport(count, groups, conflicts, examples, conflictExamples);
    }
}
