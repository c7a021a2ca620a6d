using Vigil.Imaging;

namespace Vigil.Datasets.Sources;

/// <summary>Decides, cheaply, whether a file found in a folder is worth handing to a reader.</summary>
internal static class FileClassifier
{
    /// <summary>What a folder entry is.</summary>
    public enum Kind
    {
        /// <summary>A file some reader claims.</summary>
        Image,
        /// <summary>A dot-file.</summary>
        Hidden,
        /// <summary>A file whose extension no reader claims (.txt, .csv, .json…).</summary>
        NonImage,
        /// <summary>A file without extension whose first bytes match no reader.</summary>
        Unrecognised,
    }

    /// <summary>
    /// Classifies by name first; only files without an extension (DICOM files often have none, or a numeric
    /// "extension" from a UID such as "1.2.840.113619") are opened to check their signature.
    /// </summary>
    public static Kind Classify(ImageReaderRegistry registry, string fullPath)
    {
        var name = Path.GetFileName(fullPath);
        if (name.StartsWith('.')) return Kind.Hidden;
        if (registry.HasKnownExtension(name)) return Kind.Image;
        if (!HasNoRealExtension(name)) return Kind.NonImage;
        return MatchesAnySignature(registry, fullPath) ? Kind.Image : Kind.Unrecognised;
    }

    private static bool HasNoRealExtension(string name)
    {
        var ext = Path.GetExtension(name);
        if (ext.Length <= 1) return true;
        foreach (var c in ext.AsSpan(1)) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static bool MatchesAnySignature(ImageReaderRegistry registry, string fullPath)
    {
        Span<byte> header = stackalloc byte[512];
        int n;
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: let the reader stage report it in rejected.csv rather than hide it.
            return true;
        }
        foreach (var reader in registry.Readers)
            if (reader.MatchesSignature(header[..n])) return true;
        return false;
    }
}
