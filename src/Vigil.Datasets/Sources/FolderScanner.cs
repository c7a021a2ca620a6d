using Vigil.Imaging;

namespace Vigil.Datasets.Sources;

/// <summary>
/// Walks a folder tree. The first folder level under the source names the class ("tumor/a.png" → tumor);
/// files directly in the source, or under a folder named like "unlabeled"/"unknown", are unlabeled. When the first
/// level is train/val/test (any common spelling), it is the official split and the next level names the class.
/// </summary>
internal sealed class FolderScanner(ImageReaderRegistry registry, ScanBuilder builder, string outputRoot)
{
    /// <summary>Adds every image file under <paramref name="root"/>, in ordinal order of relative paths.</summary>
    public void Scan(SourceContext source, string root, CancellationToken cancellationToken)
    {
        var rootName = Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Walk(source, root, [], rootName, visited, cancellationToken);
    }

    private void Walk(SourceContext source, string directory, List<string> folders, string rootName, HashSet<string> visited,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Symbolic links are followed, but each real folder is walked once (no loops).
        var real = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory;
        if (!visited.Add(real)) return;

        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions
        {
            IgnoreInaccessible = true, RecurseSubdirectories = false, AttributesToSkip = 0, MatchType = MatchType.Simple,
        }).ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith('.')) { builder.Result.Ignore("hidden"); continue; }
            if (entry is DirectoryInfo dir)
            {
                // Datasets written into a folder that is also a source must not be read back as images.
                if (SamePath(dir.FullName, outputRoot)) continue;
                folders.Add(dir.Name);
                Walk(source, dir.FullName, folders, rootName, visited, cancellationToken);
                folders.RemoveAt(folders.Count - 1);
                continue;
            }
            switch (FileClassifier.Classify(registry, entry.FullName))
            {
                case FileClassifier.Kind.Image: AddImage(source, entry.FullName, entry.Name, folders, rootName); break;
                case FileClassifier.Kind.Hidden: builder.Result.Ignore("hidden"); break;
                case FileClassifier.Kind.NonImage: builder.Result.Ignore("non_image"); break;
                default: builder.Result.Ignore("unrecognised"); break;
            }
        }
    }

    private void AddImage(SourceContext source, string fullPath, string fileName, List<string> folders, string rootName)
    {
        int classLevel = 0;
        string? split = null;
        if (folders.Count > 0 && PathNames.SplitName(folders[0]) is { } officialSplit)
        {
            split = officialSplit;
            classLevel = 1;
        }
        string? label = folders.Count > classLevel ? folders[classLevel].Trim() : null;
        if (label is not null && (label.Length == 0 || PathNames.IsUnlabeledName(label))) label = null;

        var relative = folders.Count == 0 ? fileName : string.Join('/', folders) + "/" + fileName;
        builder.AddFile(source, fullPath, relative, rootName + "/" + relative, new FileHints(FolderLabel: label, Split: split));
    }

    private static bool SamePath(string a, string b) =>
        Path.TrimEndingDirectorySeparator(a).Equals(Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies inside it.</summary>
    public static bool IsSameOrInside(string path, string folder)
    {
        var p = Path.TrimEndingDirectorySeparator(path);
        var f = Path.TrimEndingDirectorySeparator(folder);
        return p.Equals(f, StringComparison.Ordinal)
            || (p.Length > f.Length && p.StartsWith(f, StringComparison.Ordinal) && p[f.Length] == Path.DirectorySeparatorChar);
    }
}
