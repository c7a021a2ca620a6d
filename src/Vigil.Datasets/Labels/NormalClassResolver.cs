using Vigil.Core.Taxonomy;

namespace Vigil.Datasets.Labels;

/// <summary>
/// Finds the class that means "no anomaly": the --normal-class option, else a class with a conventional name
/// (normal, healthy, no_finding, negative, no_tumor, good…), else the catalog's normal class for the source (MedMNIST),
/// else none. The choice and its origin are written to metadata.json.
/// </summary>
internal static class NormalClassResolver
{
    // Compared in compact form (letters and digits, lower case): "No Finding", "no_finding" and "NoFinding" all match.
    private static readonly string[] ConventionalNames =
    [
        "normal", "healthy", "nofinding", "nofindings", "negative", "notumor", "notumour", "nodisease", "noabnormality",
        "good", "control", "controls",
    ];

    /// <summary>The normal class and how it was found ("option", "name", "catalog", "none").</summary>
    /// <exception cref="DatasetInputException">The option names a class that does not exist.</exception>
    public static (string? Name, string Source) Resolve(string? option, IReadOnlyList<string> classes, IEnumerable<string> catalogNormals)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            var wanted = option.Trim();
            foreach (var c in classes) if (c == wanted) return (c, "option");
            foreach (var c in classes) if (string.Equals(c, wanted, StringComparison.OrdinalIgnoreCase)) return (c, "option");
            throw new DatasetInputException(classes.Count == 0
                ? $"--normal-class '{wanted}' was given but no image has a label; label the images (class folders or a CSV label column) or drop --normal-class."
                : $"--normal-class '{wanted}' is not one of the classes found ({string.Join(", ", classes)}); pick one of them.");
        }
        foreach (var name in ConventionalNames)
            foreach (var c in classes)
                if (TaxonomyText.Compact(c) == name) return (c, "name");
        foreach (var normal in catalogNormals)
            foreach (var c in classes)
                if (string.Equals(c, normal, StringComparison.OrdinalIgnoreCase)) return (c, "catalog");
        return (null, "none");
    }
}
