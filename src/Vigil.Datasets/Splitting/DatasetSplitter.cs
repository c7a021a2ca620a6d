using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Splitting;

/// <summary>How the split was made.</summary>
/// <param name="Method">"official", "official+val-carved", "official+…+stratified", "stratified-grouped" or "stratified".</param>
/// <param name="OfficialOverrides">Groups whose members had different official splits and were moved into one.</param>
internal sealed record SplitOutcome(string Method, int OfficialOverrides);

/// <summary>
/// Sets <see cref="ImageRecord.Split"/> on every record, labeled or not. Groups (patients, series, duplicates) never
/// straddle splits. Official splits are kept when the sources define a training split; missing val/test splits are
/// carved out of the official training split, stratified. Images without an official split are split stratified by
/// label (unlabeled images counting as one more class, so they spread in the same proportions).
/// </summary>
internal static class DatasetSplitter
{
    // When one group's members disagree on the official split, the group goes where most of them are; ties keep the
    // group in the split that matters most to leave untouched: test, then val.
    private static readonly int[] TiePreference = [2, 1, 0];

    /// <summary>Assigns splits in place.</summary>
    public static SplitOutcome Apply(IReadOnlyList<ImageRecord> records, SplitRatios ratios, int seed)
    {
        var groupOf = SplitGroups.Build(records, out int groupCount);
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
            if (!classIndex.ContainsKey(r.Label)) classIndex.Add(r.Label, classIndex.Count); // "" (unlabeled) is a class here

        var members = new List<int>[groupCount];
        for (int i = 0; i < groupCount; i++) members[i] = [];
        for (int i = 0; i < records.Count; i++) members[groupOf[i]].Add(i);

        var counts = new GroupCounts[groupCount];
        var official = new int[groupCount];
        bool anyOfficialTrain = false;
        foreach (var r in records) anyOfficialTrain |= r.OfficialSplit == "train";
        int overrides = 0;
        for (int g = 0; g < groupCount; g++)
        {
            counts[g] = Count(members[g], records, classIndex);
            official[g] = anyOfficialTrain ? OfficialSplitOf(members[g], records, ref overrides) : -1;
        }

        var random = new Random(seed);
        var fractions = ratios.Fractions();
        var assigned = new int[groupCount];
        Array.Fill(assigned, -1);

        // 1. Official splits, carving the missing ones out of the official training split.
        var present = new bool[3];
        bool anyOfficial = false;
        for (int g = 0; g < groupCount; g++)
            if (official[g] >= 0) { assigned[g] = official[g]; present[official[g]] = true; anyOfficial = true; }
        var carved = new List<string>();
        if (present[0])
        {
            var carve = new double[3];
            carve[0] = fractions[0];
            for (int s = 1; s < 3; s++)
                if (!present[s] && fractions[s] > 0) { carve[s] = fractions[s]; carved.Add(SplitNames.All[s]); }
            if (carved.Count > 0)
            {
                var trainGroups = Enumerable.Range(0, groupCount).Where(g => official[g] == 0).ToList();
                var result = StratifiedGroupAssigner.Assign(trainGroups.Select(g => counts[g]).ToList(), carve, classIndex.Count, random);
                for (int k = 0; k < trainGroups.Count; k++) assigned[trainGroups[k]] = result[k];
            }
        }

        // 2. Everything else: stratified over the requested proportions.
        var free = Enumerable.Range(0, groupCount).Where(g => assigned[g] < 0).ToList();
        if (free.Count > 0)
        {
            var result = StratifiedGroupAssigner.Assign(free.Select(g => counts[g]).ToList(), fractions, classIndex.Count, random);
            for (int k = 0; k < free.Count; k++) assigned[free[k]] = result[k];
        }

        for (int i = 0; i < records.Count; i++) records[i].Split = SplitNames.All[assigned[groupOf[i]]];
        return new SplitOutcome(Method(anyOfficial, carved, free.Count, groupCount < records.Count), overrides);
    }

    private static string Method(bool official, List<string> carved, int freeGroups, bool grouped)
    {
        if (!official) return grouped ? "stratified-grouped" : "stratified";
        var method = carved.Count == 0 ? "official" : "official+" + string.Join("-", carved) + "-carved";
        return freeGroups > 0 ? method + "+stratified" : method;
    }

    private static GroupCounts Count(List<int> members, IReadOnlyList<ImageRecord> records, Dictionary<string, int> classIndex)
    {
        if (members.Count == 1) return new GroupCounts(1, [classIndex[records[members[0]].Label]], [1]);
        var perClass = new SortedDictionary<int, int>();
        foreach (var i in members)
        {
            int c = classIndex[records[i].Label];
            perClass[c] = perClass.GetValueOrDefault(c) + 1;
        }
        return new GroupCounts(members.Count, perClass.Keys.ToArray(), perClass.Values.ToArray());
    }

    private static int OfficialSplitOf(List<int> members, IReadOnlyList<ImageRecord> records, ref int overrides)
    {
        Span<int> votes = stackalloc int[3];
        int kinds = 0;
        foreach (var i in members)
        {
            int s = SplitNames.IndexOf(records[i].OfficialSplit);
            if (s < 0) continue;
            if (votes[s]++ == 0) kinds++;
        }
        if (kinds == 0) return -1;
        if (kinds > 1) overrides++;
        int best = -1;
        foreach (var s in TiePreference)
            if (votes[s] > 0 && (best < 0 || votes[s] > votes[best])) best = s;
        return best;
    }
}
