namespace Vigil.Datasets.Sources;

/// <summary>One --source as scanned: where it is, what kind it is, and the folder its written images go to.</summary>
internal sealed class SourceContext(int index, string fullPath, string kind, string slug)
{
    /// <summary>Position among the sources (orders rows).</summary>
    public int Index { get; } = index;
    /// <summary>Absolute path of the source.</summary>
    public string FullPath { get; } = fullPath;
    /// <summary>"folder", "csv" or "file".</summary>
    public string Kind { get; set; } = kind;
    /// <summary>Unique folder name under images/ for images written from this source.</summary>
    public string Slug { get; } = slug;
    /// <summary>Image files found.</summary>
    public int Files { get; set; }
    /// <summary>Images produced (filled after reading).</summary>
    public int Images { get; set; }
}
