using Vigil.Datasets.Processing;

namespace Vigil.Datasets.Splitting;

/// <summary>
/// Balances the labeled rows of the training split. Undersampling keeps a seeded random subset of each class, as large
/// as the smallest class; oversampling repeats seeded random rows of each class (each row at most once more than any
/// other of its class) up to the largest class. Repeats follow their original row, so the file stays in row order.
/// </summary>
internal static class Balancer
{
    /// <summary>The rows of splits/train.csv: <paramref name="train"/> (in row order) balanced as asked.</summary>
    public static List<ImageRecord> Apply(IReadOnlyList<ImageRecord> train, BalanceMode mode, int seed)
    {
        if (mode == BalanceMode.None || train.Count == 0) return [.. train];
        var byClass = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < train.Count; i++)
        {
            if (!byClass.TryGetValue(train[i].Label, out var list)) byClass.Add(train[i].Label, list = []);
            list.Add(i);
        }
        int target = mode == BalanceMode.Undersample ? byClass.Values.Min(l => l.Count) : byClass.Values.Max(l => l.Count);
        var copies = new int[train.Count];
        var random = new Random(seed);
        foreach (var rows in byClass.Values)
        {
            var shuffled = rows.ToArray();
            random.Shuffle(shuffled);
            if (mode == BalanceMode.Undersample)
                for (int k = 0; k < target; k++) copies[shuffled[k]] = 1;
            else
                for (int k = 0; k < target; k++) copies[shuffled[k % shuffled.Length]]++;
        }
        var result = new List<ImageRecord>(mode == BalanceMode.Oversample ? target * byClass.Count : train.Count);
        for (int i = 0; i < train.Count; i++)
            for (int c = 0; c < copies[i]; c++) result.Add(train[i]);
        return result;
    }
}
