using Vigil.Core.Taxonomy;
using Vigil.Datasets.Sources;
using Vigil.Imaging;

namespace Vigil.Datasets.Processing;

/// <summary>
/// Combines what the source says about a file with what the reader found in each image into one dataset row.
/// Precedence: a manifest's label beats the container's label, which beats the folder name. Region and modality:
/// the --region/--modality override, then a manifest column, then the reader's tags (DICOM Modality/BodyPartExamined
/// codes, or canonical names a catalogued container such as a MedMNIST npz states), then keywords (DICOM series
/// description, then the path), else "unknown".
/// </summary>
internal sealed class RecordFactory(string? regionOverride, string? modalityOverride)
{
    /// <summary>Builds the row for one decoded image.</summary>
    /// <param name="file">The file the image came from.</param>
    /// <param name="image">The decoded image.</param>
    /// <param name="index">Position of the image in its file.</param>
    /// <param name="multiImage">True when the file holds more than one image.</param>
    /// <param name="path">The row's path, relative to the dataset folder.</param>
    /// <param name="hash">The image's pixel hash.</param>
    /// <param name="written">True when the image was written under images/.</param>
    public ImageRecord Create(FileContext file, DecodedImage image, int index, bool multiImage, string path, string hash, bool written)
    {
        var task = file.Task;
        var meta = image.Metadata;
        var frame = image.Frame;
        var source = multiImage ? file.SourceRef + "#" + (image.Key.Length > 0 ? image.Key : index.ToString(System.Globalization.CultureInfo.InvariantCulture)) : file.SourceRef;
        return new ImageRecord
        {
            FileIndex = task.Index,
            ImageIndex = index,
            Path = path,
            Label = task.ManifestLabel ?? Clean(meta.Label) ?? task.FolderLabel ?? "",
            PatientId = task.PatientId ?? Clean(meta.PatientId) ?? "",
            Region = RegionOf(task, meta),
            Modality = ModalityOf(task, meta),
            Source = source,
            Width = frame.Width,
            Height = frame.Height,
            Channels = frame.Channels,
            BitDepth = frame.BitDepth,
            ContentHash = hash,
            OfficialSplit = task.Split ?? PathNames.SplitName(meta.OfficialSplit),
            AcquisitionGroup = GroupOf(file, meta, multiImage),
            Written = written,
        };
    }

    private string RegionOf(FileTask task, ImageMetadata meta) =>
        regionOverride
        ?? task.Region
        ?? AnatomicalRegion.FromDicomBodyPart(meta.BodyPart)
        ?? (meta.SeriesDescription is { Length: > 0 } d ? TaxonomyKeywords.Detect(d).Region : null)
        ?? task.PathKeywords.Region
        ?? AnatomicalRegion.Unknown;

    private string ModalityOf(FileTask task, ImageMetadata meta) =>
        modalityOverride
        ?? task.Modality
        ?? ImagingModality.FromDicomCode(meta.Modality)
        ?? (ImagingModality.TryNormalize(meta.Modality, out var named) ? named : null)
        ?? (meta.SeriesDescription is { Length: > 0 } d ? TaxonomyKeywords.Detect(d).Modality : null)
        ?? task.PathKeywords.Modality
        ?? ImagingModality.Unknown;

    // Frames of one series, or slices of one volume, share anatomy: keep them in one split even without a patient id.
    private static string? GroupOf(FileContext file, ImageMetadata meta, bool multiImage)
    {
        if (!string.IsNullOrWhiteSpace(meta.SeriesInstanceUid)) return "series:" + meta.SeriesInstanceUid.Trim();
        if (multiImage && !file.Collection) return "file:" + file.Task.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    private static string? Clean(string? value)
    {
        if (value is null) return null;
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}
