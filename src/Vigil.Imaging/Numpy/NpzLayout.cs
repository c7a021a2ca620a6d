namespace Vigil.Imaging.Numpy;

/// <summary>An images member of an npz archive, its labels member (if any) and the official split it holds.</summary>
internal sealed record NpzGroup(string? Split, string Images, string? Labels);

/// <summary>
/// Finds image/label members in an npz archive: MedMNIST's {train,val,test}_{images,labels}, Keras'
/// x_{train,val,test}/y_…, a plain images/labels (or x/y) pair, or a single array of unlabeled images.
/// </summary>
internal static class NpzLayout
{
    private static readonly string[] Splits = ["train", "val", "test"];

    /// <summary>Groups the member names (without ".npy").</summary>
    public static List<NpzGroup> Find(IReadOnlyCollection<string> members, string path)
    {
        var set = new HashSet<string>(members, StringComparer.Ordinal);
        string? Label(string name) => set.Contains(name) ? name : null;
        var groups = new List<NpzGroup>();
        foreach (var split in Splits)
        {
            if (set.Contains($"{split}_images")) groups.Add(new(split, $"{split}_images", Label($"{split}_labels")));
            else if (set.Contains($"x_{split}")) groups.Add(new(split, $"x_{split}", Label($"y_{split}")));
        }
        if (groups.Count > 0) return groups;
        if (set.Contains("images")) return [new(null, "images", Label("labels"))];
        if (set.Contains("x")) return [new(null, "x", Label("y"))];
        if (members.Count == 1) return [new(null, members.First(), null)];
        throw new ImageFormatException(path, "npz archive has no recognised image arrays (expected train_images/val_images/test_images, "
            + $"x_train/x_test, images, or a single array); it holds: {string.Join(", ", members.Take(20))}");
    }
}
