namespace Vigil.Datasets.Sources;

/// <summary>The sources and the files to read, in order, plus what was skipped on the way.</summary>
internal sealed class ScanResult
{
    /// <summary>Every source, in the order given.</summary>
    public List<SourceContext> Sources { get; } = [];
    /// <summary>Files to read, in row order.</summary>
    public List<FileTask> Files { get; } = [];
    /// <summary>Files skipped on purpose, per reason ("hidden", "non_image", "unrecognised", "listed_twice").</summary>
    public SortedDictionary<string, int> Ignored { get; } = new(StringComparer.Ordinal);
    /// <summary>Entries that could not be used (a manifest row naming a missing file…).</summary>
    public List<Rejection> Rejected { get; } = [];

    /// <summary>Counts one skipped file.</summary>
    public void Ignore(string reason) => Ignored[reason] = Ignored.GetValueOrDefault(reason) + 1;
}

/// <summary>A file or manifest row that could not be used, and why.</summary>
/// <param name="Order">Sort key: the plan position of the file (or of the manifest row).</param>
/// <param name="Path">The file (absolute) or manifest location.</param>
/// <param name="Reason">What is wrong, in words.</param>
internal sealed record Rejection(long Order, string Path, string Reason);
