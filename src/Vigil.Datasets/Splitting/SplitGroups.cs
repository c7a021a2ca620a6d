using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Splitting;

/// <summary>
/// Images that must share a split: the same patient, the same series or volume, or the same pixels (exact duplicates).
/// The relation is transitive (a patient's image duplicated in another patient's folder joins both patients).
/// </summary>
internal static class SplitGroups
{
    /// <summary>Group number of every record (0..groups-1, numbered in row order).</summary>
    public static int[] Build(IReadOnlyList<ImageRecord> records, out int groupCount)
    {
        var sets = new UnionFind(records.Count);
        var firstByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        void Link(string key, int i)
        {
            if (firstByKey.TryGetValue(key, out var first)) sets.Union(first, i);
            else firstByKey.Add(key, i);
        }
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            Link("h:" + r.ContentHash, i);
            if (r.PatientId.Length > 0) Link("p:" + r.PatientId, i);
            if (r.AcquisitionGroup is not null) Link("a:" + r.AcquisitionGroup, i);
        }
        var numbers = new Dictionary<int, int>();
        var groups = new int[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            int root = sets.Find(i);
            if (!numbers.TryGetValue(root, out var number)) numbers.Add(root, number = numbers.Count);
            groups[i] = number;
        }
        groupCount = numbers.Count;
        return groups;
    }
}
