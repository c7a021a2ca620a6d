namespace Vigil.Imaging;

/// <summary>
/// Decodes one file format. Implementations must never crash or hang on hostile input: every size read from
/// the file is checked against the file's length and <see cref="ImageReadOptions.MaxPixelsPerImage"/> before
/// allocating, and every failure surfaces as an <see cref="ImageFormatException"/>.
/// </summary>
public interface IImageReader
{
    /// <summary>Short format name shown to users ("PNG", "DICOM", "NIfTI-1").</summary>
    string FormatName { get; }

    /// <summary>File name endings this reader claims, lower case with the dot (".nii.gz", ".dcm").</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>True when the first bytes of a file (up to 512; fewer for short files) look like this format.</summary>
    bool MatchesSignature(ReadOnlySpan<byte> header);

    /// <summary>
    /// Decodes every image in the file, lazily. Throws <see cref="ImageFormatException"/> for bad content
    /// (possibly after yielding some images of a container).
    /// </summary>
    IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default);
}
