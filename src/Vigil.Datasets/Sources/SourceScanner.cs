using Vigil.Imaging;

namespace Vigil.Datasets.Sources;

/// <summary>Turns the --source paths into the ordered list of files to read.</summary>
internal sealed class SourceScanner(ImageReaderRegistry registry, string outputRoot)
{
    /// <summary>The name a folder's own manifest must have to be used instead of the folder tree.</summary>
    public const string FolderManifestName = "manifest.csv";

    /// <summary>Scans every source in order.</summary>
    /// <exception cref="DatasetInputException">A source is missing, unreadable or holds no image.</exception>
    public ScanResult Scan(IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        var result = new ScanResult();
        var builder = new ScanBuilder(result);
        var folders = new FolderScanner(registry, builder, outputRoot);
        var manifests = new CsvManifestScanner(builder);

        foreach (var given in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(given))
                throw new DatasetInputException("an empty --source was given; pass a folder, CSV manifest or image file path.");
            var full = Path.GetFullPath(given);
            int ignoredBefore = result.Ignored.Values.Sum(), rejectedBefore = result.Rejected.Count;
            SourceContext source;
            if (Directory.Exists(full))
            {
                var manifest = Path.Combine(full, FolderManifestName);
                if (File.Exists(manifest) && CsvManifestScanner.HasPathColumn(manifest))
                {
                    source = builder.AddSource(full, "csv", Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
                    manifests.Scan(source, manifest, cancellationToken);
                }
                else
                {
                    source = builder.AddSource(full, "folder", Path.GetFileName(Path.TrimEndingDirectorySeparator(full)));
                    folders.Scan(source, full, cancellationToken);
                }
            }
            else if (File.Exists(full))
            {
                if (IsManifest(full))
                {
                    source = builder.AddSource(full, "csv", Path.GetFileNameWithoutExtension(full));
                    manifests.Scan(source, full, cancellationToken);
                }
                else
                {
                    source = builder.AddSource(full, "file", Path.GetFileName(full));
                    var parent = Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
                    builder.AddFile(source, full, null, parent + "/" + Path.GetFileName(full), FileHints.None);
                }
            }
            else
            {
                throw new DatasetInputException($"--source '{given}' does not exist (looked for {full}); check the path.");
            }

            if (source.Files == 0)
                throw new DatasetInputException(EmptySourceMessage(given, source, result, ignoredBefore, rejectedBefore));
        }
        return result;
    }

    private static bool IsManifest(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    private string EmptySourceMessage(string given, SourceContext source, ScanResult result, int ignoredBefore, int rejectedBefore)
    {
        if (source.Kind == "csv")
        {
            int missing = result.Rejected.Count - rejectedBefore;
            var first = missing > 0 ? $" (first: {result.Rejected[rejectedBefore].Path}: {result.Rejected[rejectedBefore].Reason})" : "";
            return $"--source '{given}': the manifest lists no existing image file{first}; fix the paths (relative to the CSV's folder, or absolute).";
        }
        int skipped = result.Ignored.Values.Sum() - ignoredBefore;
        var known = string.Join(" ", registry.AllExtensions.Order(StringComparer.Ordinal));
        return $"--source '{given}' contains no images ({skipped} other files skipped); supported files: {known}, or DICOM files without extension.";
    }
}
