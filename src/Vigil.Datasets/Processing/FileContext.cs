using Vigil.Datasets.Sources;

namespace Vigil.Datasets.Processing;

/// <summary>What the pipeline knows about a file once its reader is chosen; shared by all images of the file.</summary>
/// <param name="Task">The planned file.</param>
/// <param name="SourceRef">The file's path relative to the dataset folder, '/'-separated.</param>
/// <param name="PlainFormat">True for plain image formats (PNG, JPEG, BMP, WebP, TIFF), which are referenced in place.</param>
/// <param name="Collection">True for arrays of independent images (npz, npy, IDX); false for volumes and series.</param>
internal sealed record FileContext(FileTask Task, string SourceRef, bool PlainFormat, bool Collection);
