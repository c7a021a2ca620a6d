using Vigil.Core.Taxonomy;

namespace Vigil.Datasets.Sources;

/// <summary>Adds files to a <see cref="ScanResult"/> in order, naming their outputs and reading their path keywords.</summary>
internal sealed class ScanBuilder(ScanResult result)
{
    private readonly OutputNamer _slugs = new();
    private readonly OutputNamer _bases = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The result being built.</summary>
    public ScanResult Result => result;

    /// <summary>Creates and records a source with a unique slug derived from <paramref name="name"/>.</summary>
    public SourceContext AddSource(string fullPath, string kind, string name)
    {
        var source = new SourceContext(result.Sources.Count, fullPath, kind, _slugs.Reserve(PathNames.SafeSegment(name)));
        result.Sources.Add(source);
        return source;
    }

    /// <summary>The plan position the next file will get (also orders rejections found while scanning).</summary>
    public int NextIndex => result.Files.Count;

    /// <summary>
    /// Adds a file unless it is already planned (a file listed by two sources is read once: the first wins).
    /// </summary>
    /// <param name="source">Its source.</param>
    /// <param name="fullPath">Absolute path.</param>
    /// <param name="outputRelative">Path under the source's images/ folder for written images (made safe here).</param>
    /// <param name="keywordText">Text searched for region/modality keywords (folder names and file name).</param>
    /// <param name="hints">Labels and tags the source gives.</param>
    public void AddFile(SourceContext source, string fullPath, string? outputRelative, string keywordText, FileHints hints)
    {
        if (!_seen.Add(fullPath)) { result.Ignore("listed_twice"); return; }
        var outputBase = "images/" + source.Slug + (outputRelative is null ? "" : "/" + PathNames.SafeRelative(outputRelative));
        result.Files.Add(new FileTask
        {
            Index = result.Files.Count,
            Source = source,
            FullPath = fullPath,
            OutputBase = _bases.Reserve(outputBase),
            ManifestLabel = hints.ManifestLabel,
            FolderLabel = hints.FolderLabel,
            PatientId = hints.PatientId,
            Region = hints.Region,
            Modality = hints.Modality,
            Split = hints.Split,
            PathKeywords = TaxonomyKeywords.Detect(keywordText),
        });
        source.Files++;
    }
}

/// <summary>What a source says about one file; every field optional.</summary>
internal sealed record FileHints(
    string? ManifestLabel = null, string? FolderLabel = null, string? PatientId = null,
    string? Region = null, string? Modality = null, string? Split = null)
{
    /// <summary>No hints.</summary>
    public static FileHints None { get; } = new();
}
