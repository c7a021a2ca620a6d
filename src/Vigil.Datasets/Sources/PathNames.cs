using System.Text;
using Vigil.Core.Taxonomy;

namespace Vigil.Datasets.Sources;

/// <summary>Folder-name conventions of image collections and the safe names used for written images.</summary>
internal static class PathNames
{
    // Folder names that mean "no label" rather than a class, compared in compact form (letters and digits only).
    private static readonly HashSet<string> UnlabeledNames = new(StringComparer.Ordinal)
    {
        "unlabeled", "unlabelled", "unlabel", "unknown", "nolabel", "nolabels", "none", "unsorted", "unclassified", "unannotated",
    };

    /// <summary>True for folder names like "unlabeled", "Unknown", "no_label".</summary>
    public static bool IsUnlabeledName(string name) => UnlabeledNames.Contains(TaxonomyText.Compact(name));

    /// <summary>The split a folder or manifest value names ("Training" → "train", "valid" → "val"), or null.</summary>
    public static string? SplitName(string? value) => TaxonomyText.Compact(value) switch
    {
        "train" or "training" => "train",
        "val" or "valid" or "validation" or "dev" => "val",
        "test" or "testing" => "test",
        _ => null,
    };

    /// <summary>
    /// A path segment made safe for every file system: letters, digits, '.', '_' and '-' are kept, anything else
    /// becomes '_'; a leading dot becomes '_' (no hidden files); empty names become "_".
    /// </summary>
    public static string SafeSegment(string segment)
    {
        if (segment.Length == 0 || segment == "." || segment == "..") return "_";
        var sb = new StringBuilder(segment.Length);
        foreach (var c in segment)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        if (sb[0] == '.') sb[0] = '_';
        return sb.ToString();
    }

    /// <summary>A relative path with each segment made safe, joined with '/'.</summary>
    public static string SafeRelative(string relative)
    {
        var parts = relative.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++) parts[i] = SafeSegment(parts[i]);
        return parts.Length == 0 ? "_" : string.Join('/', parts);
    }

    /// <summary>A path with '/' separators, as written in the dataset CSVs on every platform.</summary>
    public static string ToPosix(string path) => Path.DirectorySeparatorChar == '/' ? path : path.Replace(Path.DirectorySeparatorChar, '/');
}
