namespace Vigil.Imaging.Idx;

/// <summary>
/// What MNIST-style file names say: the labels file beside an images file ("train-images-idx3-ubyte[.gz]" ↔
/// "train-labels-idx1-ubyte[.gz]", also the "images.idx3-ubyte" spelling), the official split ("train…" → train,
/// "t10k…"/"test…" → test) and the class names (Fashion-MNIST's when the path mentions "fashion", digits otherwise).
/// </summary>
public static class IdxFileNames
{
    /// <summary>Fashion-MNIST's class names by label.</summary>
    public static IReadOnlyList<string> FashionClasses { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>MNIST's class names by label: the digits.</summary>
    public static IReadOnlyList<string> DigitClasses { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The labels file that belongs to an images file, or null when there is none beside it.</summary>
    public static string? LabelsFileFor(string imagesPath)
    {
        var dir = Path.GetDirectoryName(imagesPath) ?? ".";
        var name = Path.GetFileName(imagesPath);
        foreach (var (images, labels) in new[] { ("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1") })
        {
            int at = name.LastIndexOf(images, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            var stem = name[..at] + labels + name[(at + images.Length)..];
            if (stem.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stem = stem[..^3];
            foreach (var candidate in new[] { stem, stem + ".gz" })
                if (File.Exists(Path.Combine(dir, candidate))) return Path.Combine(dir, candidate);
        }
        return null;
    }

    /// <summary>"train" or "test" from the file name, or null when the name says neither.</summary>
    public static string? OfficialSplit(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith("train", StringComparison.OrdinalIgnoreCase)) return "train";
        if (name.StartsWith("t10k", StringComparison.OrdinalIgnoreCase) || name.StartsWith("test", StringComparison.OrdinalIgnoreCase)) return "test";
        return null;
    }

    /// <summary>The class names for a file: Fashion-MNIST's when its path mentions "fashion", digits otherwise.</summary>
    public static IReadOnlyList<string> ClassNames(string path) =>
        path.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? FashionClasses : DigitClasses;
}
