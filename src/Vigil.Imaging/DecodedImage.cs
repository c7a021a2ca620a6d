namespace Vigil.Imaging;

/// <summary>
/// One image produced by a reader. A plain image file yields one; a multi-page TIFF, a multi-frame DICOM,
/// a NIfTI volume or an npz/IDX array yields many, each with its own <see cref="Key"/>.
/// </summary>
/// <param name="Frame">The pixels.</param>
/// <param name="Metadata">What the reader learned about the image.</param>
/// <param name="Key">Identifies the image inside its file ("" for single-image files, e.g. "frame-3", "z-042", "train-00017").</param>
public sealed record DecodedImage(ImageFrame Frame, ImageMetadata Metadata, string Key = "");
