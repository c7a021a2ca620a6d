namespace Vigil.Imaging.Dicom;

/// <summary>
/// Reads DICOM Part 10 files (and preamble-less data sets): uncompressed, deflated and RLE natively, the JPEG family
/// (baseline, extended, lossless, JPEG-LS, JPEG 2000) through GDCM's gdcmconv in a child process.
/// One image per frame. Values follow <see cref="ImageReadOptions.DicomValues"/>; see docs/formats-dicom.md.
/// </summary>
public sealed class DicomReader : IImageReader
{
    private readonly DicomReaderSettings _settings;

    /// <summary>Creates a reader; <paramref name="settings"/> locate gdcmconv and bound its run time.</summary>
    public DicomReader(DicomReaderSettings? settings = null) => _settings = settings ?? DicomReaderSettings.Default;

    /// <inheritdoc />
    public string FormatName => "DICOM";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".dcm", ".dicom", ".dic"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) => DicomSignature.Matches(header);

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        return ReadFrames(path, options, cancellationToken);
    }

    private IEnumerable<DecodedImage> ReadFrames(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        var file = DicomFile.Open(path, options, _settings, cancellationToken);
        for (int frame = 0; frame < file.Image.Frames; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return file.DecodeFrame(frame, options.DicomValues);
        }
    }
}
