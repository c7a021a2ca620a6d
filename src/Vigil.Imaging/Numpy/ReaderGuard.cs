namespace Vigil.Imaging.Numpy;

/// <summary>
/// Turns the low-level failures a damaged file provokes (short reads, broken deflate or zip structures, I/O errors)
/// into <see cref="ImageFormatException"/>s, also for lazily enumerated readers where a plain try/catch cannot wrap a yield.
/// </summary>
internal static class ReaderGuard
{
    /// <summary>True for exceptions that mean "this file's content is bad or unreadable".</summary>
    public static bool IsContentFailure(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException;

    /// <summary>Wraps a content failure thrown by <paramref name="action"/>.</summary>
    public static T Run<T>(string path, Func<T> action)
    {
        try { return action(); }
        catch (Exception e) when (IsContentFailure(e)) { throw Wrap(path, e); }
    }

    /// <summary>Enumerates <paramref name="images"/>, wrapping content failures raised while producing each item.</summary>
    public static IEnumerable<DecodedImage> Guard(IEnumerable<DecodedImage> images, string path)
    {
        IEnumerator<DecodedImage> e;
        try { e = images.GetEnumerator(); }
        catch (Exception ex) when (IsContentFailure(ex)) { throw Wrap(path, ex); }
        using (e)
        {
            while (true)
            {
                bool more;
                try { more = e.MoveNext(); }
                catch (Exception ex) when (IsContentFailure(ex)) { throw Wrap(path, ex); }
                if (!more) yield break;
                yield return e.Current;
            }
        }
    }

    private static ImageFormatException Wrap(string path, Exception e) => e switch
    {
        EndOfStreamException => new ImageFormatException(path, "file is truncated", e),
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => new ImageFormatException(path, $"cannot open file: {e.Message}", e),
        _ => new ImageFormatException(path, $"file is damaged or unreadable: {e.Message}", e),
    };
}
