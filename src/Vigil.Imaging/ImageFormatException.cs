namespace Vigil.Imaging;

/// <summary>
/// A file cannot be decoded. The message says what is wrong in words a user can act on; the path says where.
/// Readers throw this (and only this) for bad content, so callers can report the file and go on.
/// </summary>
public sealed class ImageFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageFormatException(string path, string message, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The file that could not be decoded.</summary>
    public string Path { get; }
}
