using Vigil.Imaging;

namespace Vigil.Datasets.Processing;

/// <summary>Sorts readers into the kinds organizing treats differently, by the file endings they claim.</summary>
internal static class ReaderKinds
{
    // Formats a training pipeline reads directly: files of these kinds holding one image are referenced, not copied.
    private static readonly HashSet<string> Plain = new(StringComparer.Ordinal)
    {
        ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".webp", ".tif", ".tiff",
    };

    /// <summary>True when the reader handles a plain image format.</summary>
    public static bool IsPlain(IImageReader reader)
    {
        foreach (var ext in reader.Extensions) if (Plain.Contains(ext)) return true;
        return false;
    }

    /// <summary>
    /// True when the reader's images are independent pictures stored together (npz/npy arrays, IDX files), as opposed
    /// to slices or frames of one acquisition (NIfTI, DICOM, TIFF stacks), which must stay in one split.
    /// </summary>
    public static bool IsCollection(IImageReader reader)
    {
        foreach (var ext in reader.Extensions)
            if (ext is ".npz" or ".npy" || ext.Contains("idx", StringComparison.Ordinal) || ext.Contains("ubyte", StringComparison.Ordinal))
                return true;
        return false;
    }
}
