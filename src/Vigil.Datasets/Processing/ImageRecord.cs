namespace Vigil.Datasets.Processing;

/// <summary>One image of the dataset: a row of labeled.csv or unlabeled.csv.</summary>
internal sealed class ImageRecord
{
    /// <summary>Plan position of the file it came from.</summary>
    public required int FileIndex { get; init; }
    /// <summary>Position inside that file.</summary>
    public required int ImageIndex { get; init; }
    /// <summary>Path relative to the dataset folder, '/'-separated.</summary>
    public required string Path { get; init; }
    /// <summary>Class label; "" when unlabeled.</summary>
    public required string Label { get; set; }
    /// <summary>Patient id; "" when unknown.</summary>
    public required string PatientId { get; init; }
    /// <summary>Canonical region (or a user-given one).</summary>
    public required string Region { get; init; }
    /// <summary>Canonical modality (or a user-given one).</summary>
    public required string Modality { get; init; }
    /// <summary>Where the pixels came from: the original file relative to the dataset folder, with "#key" inside containers.</summary>
    public required string Source { get; init; }
    /// <summary>Width in pixels.</summary>
    public required int Width { get; init; }
    /// <summary>Height in pixels.</summary>
    public required int Height { get; init; }
    /// <summary>1 or 3.</summary>
    public required int Channels { get; init; }
    /// <summary>8 or 16.</summary>
    public required int BitDepth { get; init; }
    /// <summary>Pixel hash (<see cref="Vigil.Imaging.ContentHash"/>).</summary>
    public required string ContentHash { get; init; }
    /// <summary>Official split from the source ("train", "val", "test"), or null.</summary>
    public required string? OfficialSplit { get; init; }
    /// <summary>
    /// Images that must stay together though no patient id says so: slices or frames of one volume or series
    /// ("file:12", "series:1.2.3"), or null.
    /// </summary>
    public required string? AcquisitionGroup { get; init; }
    /// <summary>True when the image was written as PNG under images/.</summary>
    public required bool Written { get; init; }
    /// <summary>Assigned split ("train", "val", "test").</summary>
    public string Split { get; set; } = "";

    /// <summary>True when the image has a class label.</summary>
    public bool IsLabeled => Label.Length > 0;
}
