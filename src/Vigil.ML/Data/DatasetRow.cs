namespace Vigil.ML.Data;

/// <summary>One image of a split, as listed in a dataset CSV (docs/dataset-format.md).</summary>
/// <param name="Path">Absolute path of the image file.</param>
/// <param name="ListedPath">The <c>path</c> cell as written in the CSV (part of the cache key, so a moved dataset keeps its cache).</param>
/// <param name="Label">Class name, or null for an unlabeled image.</param>
/// <param name="PatientId">Patient or subject id, or null when unknown.</param>
/// <param name="Region">Anatomical region (<c>unknown</c> when the CSV has none).</param>
/// <param name="Modality">Imaging modality (<c>unknown</c> when the CSV has none).</param>
/// <param name="ContentHash">The CSV's <c>content_hash</c> (32 hex digits), or null when the CSV has none.</param>
public sealed record DatasetRow(
    string Path,
    string ListedPath,
    string? Label,
    string? PatientId,
    string Region,
    string Modality,
    string? ContentHash)
{
    /// <summary>True when the image has a class label.</summary>
    public bool IsLabeled => Label is not null;
}
