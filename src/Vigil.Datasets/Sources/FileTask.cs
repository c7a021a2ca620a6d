using Vigil.Core.Taxonomy;

namespace Vigil.Datasets.Sources;

/// <summary>
/// One file to read, with everything its source says about it. Labels and hints here are the source's;
/// per-image metadata from the reader (DICOM tags, container labels) is combined later.
/// </summary>
internal sealed class FileTask
{
    /// <summary>Position in the plan; orders the rows of every CSV.</summary>
    public required int Index { get; init; }
    /// <summary>The source this file came from.</summary>
    public required SourceContext Source { get; init; }
    /// <summary>Absolute path of the file.</summary>
    public required string FullPath { get; init; }
    /// <summary>
    /// Where images written from this file go, relative to the dataset folder, without extension
    /// ("images/scans/a/CT_small.dcm"): "&lt;base&gt;.png" for one image, "&lt;base&gt;/&lt;key&gt;.png" for several.
    /// </summary>
    public required string OutputBase { get; init; }
    /// <summary>Label from an explicit manifest column (wins over everything), or null.</summary>
    public string? ManifestLabel { get; init; }
    /// <summary>Label from the folder tree (used when the file itself carries none), or null.</summary>
    public string? FolderLabel { get; init; }
    /// <summary>Patient id from a manifest, or null.</summary>
    public string? PatientId { get; init; }
    /// <summary>Canonical region from a manifest, or null.</summary>
    public string? Region { get; init; }
    /// <summary>Canonical modality from a manifest, or null.</summary>
    public string? Modality { get; init; }
    /// <summary>Official split from the folder tree (train/ val/ test/ at the top) or a manifest column, or null.</summary>
    public string? Split { get; init; }
    /// <summary>What the file's path says about region and modality.</summary>
    public required TaxonomyMatch PathKeywords { get; init; }
}
