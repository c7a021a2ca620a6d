namespace Vigil.Imaging.Png;

/// <summary>Reads PNG files at full bit depth with <see cref="PngDecoder"/>.</summary>
public sealed class PngReader : IImageReader
{
    /// <inheritdoc />
    public string FormatName => "PNG";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".png"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) => PngChunks.HasSignature(header);

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default)
    {
        // Lazy like every reader: nothing is read until the caller enumerates.
        yield return Decode(path, options, cancellationToken);
    }

    private static DecodedImage Decode(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, $"cannot read file: {e.Message}", e);
        }
        return new DecodedImage(PngDecoder.Decode(bytes, options, path), ImageMetadata.Empty);
    }
}
