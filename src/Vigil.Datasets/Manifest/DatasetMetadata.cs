namespace Vigil.Datasets.Manifest;

/// <summary>
/// The content of a dataset's <c>metadata.json</c> (snake_case keys, see docs/dataset-format.md).
/// Fields may be added in later versions, never renamed.
/// </summary>
public sealed record DatasetMetadata
{
    /// <summary>Dataset name (the folder name).</summary>
    public required string Name { get; init; }
    /// <summary>When it was organized, ISO 8601 UTC ("2025-01-31T12:00:00Z").</summary>
    public required string Created { get; init; }
    /// <summary>The sources combined into this dataset.</summary>
    public required IReadOnlyList<SourceInfo> Source { get; init; }
    /// <summary>Images in the dataset (labeled + unlabeled; oversampled repeats not counted).</summary>
    public required int NumImages { get; init; }
    /// <summary>Images with a class label.</summary>
    public required int NumLabeled { get; init; }
    /// <summary>Images without a class label.</summary>
    public required int NumUnlabeled { get; init; }
    /// <summary><see cref="NumLabeled"/> / <see cref="NumImages"/>.</summary>
    public required double LabeledFraction { get; init; }
    /// <summary>Class names, sorted (ordinal).</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>The class meaning "no anomaly", or null when none was given or recognised.</summary>
    public string? NormalClass { get; init; }
    /// <summary>How the normal class was chosen ("option", "name", "catalog", "none").</summary>
    public required string NormalClassSource { get; init; }
    /// <summary>Labeled images per split ("train", "val", "test") and class; "all" sums the splits.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ClassCounts { get; init; }
    /// <summary>Unlabeled images per split.</summary>
    public required IReadOnlyDictionary<string, int> UnlabeledCounts { get; init; }
    /// <summary>Images per canonical region.</summary>
    public required IReadOnlyDictionary<string, int> Regions { get; init; }
    /// <summary>Images per canonical modality.</summary>
    public required IReadOnlyDictionary<string, int> Modalities { get; init; }
    /// <summary>"option" when --region set every image's region, else "detected" (tags, manifest, keywords).</summary>
    public required string RegionSource { get; init; }
    /// <summary>"option" when --modality set every image's modality, else "detected".</summary>
    public required string ModalitySource { get; init; }
    /// <summary>Size, channel and bit-depth statistics.</summary>
    public required ImageSizeStats ImageSize { get; init; }
    /// <summary>Exact duplicates (same pixels).</summary>
    public required DuplicateReport Duplicates { get; init; }
    /// <summary>Files that could not be read.</summary>
    public required RejectedInfo Rejected { get; init; }
    /// <summary>Files skipped on purpose (hidden files, non-images), per reason.</summary>
    public required IReadOnlyDictionary<string, int> Ignored { get; init; }
    /// <summary>"official", "official+val-carved", "official+stratified", "stratified-grouped" or "stratified".</summary>
    public required string SplitMethod { get; init; }
    /// <summary>Requested split percentages.</summary>
    public required SplitInfo Split { get; init; }
    /// <summary>Seed used for splitting and balancing.</summary>
    public required int Seed { get; init; }
    /// <summary>Training-split balancing.</summary>
    public required BalanceInfo Balance { get; init; }
    /// <summary>Images written as PNG under <c>images/</c> (from containers); the rest are referenced in place.</summary>
    public required int ImagesWritten { get; init; }
    /// <summary>Groups whose official split was overridden so that one patient or duplicate set stays in one split.</summary>
    public required int OfficialSplitOverrides { get; init; }
    /// <summary>Version of Vigil that organized the dataset.</summary>
    public required string VigilVersion { get; init; }
}

/// <summary>One source of a dataset.</summary>
/// <param name="Path">Absolute path of the source.</param>
/// <param name="Kind">"folder", "csv" or "file".</param>
/// <param name="Files">Image files found.</param>
/// <param name="Images">Images produced (a container file yields many).</param>
public sealed record SourceInfo(string Path, string Kind, int Files, int Images);

/// <summary>Minimum, maximum and median of one dimension.</summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Median">Median (lower median for even counts).</param>
public sealed record RangeStats(int Min, int Max, int Median);

/// <summary>Image geometry statistics.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">Image count per channel count ("1", "3").</param>
/// <param name="BitDepths">Image count per bit depth ("8", "16").</param>
public sealed record ImageSizeStats(
    RangeStats Width, RangeStats Height, IReadOnlyDictionary<string, int> Channels, IReadOnlyDictionary<string, int> BitDepths);

/// <summary>Exact duplicates found by pixel hash. Each duplicate set is kept inside a single split.</summary>
/// <param name="Count">Images that repeat an earlier image (images in duplicate sets minus the sets).</param>
/// <param name="Groups">Sets of two or more images with identical pixels.</param>
/// <param name="LabelConflicts">Sets whose images carry different labels.</param>
/// <param name="Examples">Up to 10 sets, as dataset paths.</param>
/// <param name="ConflictExamples">Up to 10 conflicting sets.</param>
public sealed record DuplicateReport(
    int Count, int Groups, int LabelConflicts, IReadOnlyList<IReadOnlyList<string>> Examples, IReadOnlyList<DuplicateConflict> ConflictExamples);

/// <summary>A duplicate set whose images were given different labels.</summary>
/// <param name="ContentHash">The shared pixel hash.</param>
/// <param name="Labels">The distinct labels ("" for unlabeled).</param>
/// <param name="Paths">The images.</param>
public sealed record DuplicateConflict(string ContentHash, IReadOnlyList<string> Labels, IReadOnlyList<string> Paths);

/// <summary>Rejected files.</summary>
/// <param name="Count">Number of rejected entries.</param>
/// <param name="File">The CSV listing them, relative to the dataset folder.</param>
public sealed record RejectedInfo(int Count, string File);

/// <summary>Split percentages.</summary>
/// <param name="Train">Training percent.</param>
/// <param name="Val">Validation percent.</param>
/// <param name="Test">Test percent.</param>
public sealed record SplitInfo(int Train, int Val, int Test);

/// <summary>What balancing did to the training split.</summary>
/// <param name="Mode">"none", "undersample" or "oversample".</param>
/// <param name="TrainBefore">Training rows per class before.</param>
/// <param name="TrainAfter">Training rows per class in splits/train.csv.</param>
public sealed record BalanceInfo(string Mode, IReadOnlyDictionary<string, int> TrainBefore, IReadOnlyDictionary<string, int> TrainAfter);
