namespace Vigil.Imaging;

/// <summary>
/// Picks the reader for a file: by content signature first (a mis-named file still opens), then by extension.
/// </summary>
public sealed class ImageReaderRegistry
{
    private readonly IReadOnlyList<IImageReader> _readers;

    /// <summary>Creates a registry over the given readers, tried in order.</summary>
    public ImageReaderRegistry(IEnumerable<IImageReader> readers) => _readers = readers.ToList();

    /// <summary>Every reader, in the order they are tried.</summary>
    public IReadOnlyList<IImageReader> Readers => _readers;

    /// <summary>A registry with every format Vigil reads.</summary>
    public static ImageReaderRegistry CreateDefault() => new(new IImageReader[]
    {
        // Readers register here; order matters only for signatures that overlap.
        new Dicom.DicomReader(), // first: a DICOM preamble may hold a TIFF header (dual-personality files)
        new Raster.SkiaRasterReader(),
        new Raster.TiffReader(),
        new Png.PngReader(),
        new Nifti.NiftiReader(),
        new Numpy.NpzReader(),
        new Numpy.NpyReader(),
        new Idx.IdxReader(),
    });

    /// <summary>Every extension some reader claims, lower case with the dot.</summary>
    public IEnumerable<string> AllExtensions => _readers.SelectMany(r => r.Extensions).Distinct();

    /// <summary>True when some reader claims the file's extension (cheap pre-filter for folder scans).</summary>
    public bool HasKnownExtension(string path) => FindByExtension(path) is not null;

    /// <summary>The reader claiming the file's extension, or null.</summary>
    public IImageReader? FindByExtension(string path)
    {
        var name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        IImageReader? best = null; int bestLength = 0;
        foreach (var reader in _readers)
            foreach (var ext in reader.Extensions)
                if (name.EndsWith(ext, StringComparison.Ordinal) && ext.Length > bestLength) { best = reader; bestLength = ext.Length; }
        return best;
    }

    /// <summary>
    /// The reader for a file, chosen by signature then extension.
    /// </summary>
    /// <exception cref="ImageFormatException">The file cannot be opened or no reader recognises it.</exception>
    public IImageReader Resolve(string path)
    {
        Span<byte> header = stackalloc byte[512];
        int n;
        try
        {
            using var stream = File.OpenRead(path);
            n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFormatException(path, $"cannot open file: {e.Message}", e);
        }
        var head = header[..n];
        foreach (var reader in _readers)
            if (reader.MatchesSignature(head)) return reader;
        return FindByExtension(path)
            ?? throw new ImageFormatException(path, "unrecognised image format (known: " + string.Join(", ", _readers.Select(r => r.FormatName)) + ")");
    }

    /// <summary>Decodes every image in a file with the reader <see cref="Resolve"/> picks.</summary>
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions? options = null, CancellationToken cancellationToken = default)
        => Resolve(path).Read(path, options ?? ImageReadOptions.Default, cancellationToken);
}
