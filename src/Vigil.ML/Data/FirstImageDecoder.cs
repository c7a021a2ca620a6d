using Vigil.Imaging;

namespace Vigil.ML.Data;

/// <summary>Decodes the image a dataset row refers to, never throwing for bad content: failures become an issue.</summary>
internal static class FirstImageDecoder
{
    /// <summary>The result: a frame (null when the file could not be read) and the issues seen.</summary>
    public readonly record struct Outcome(ImageFrame? Frame, ImageIssue? Issue);

    /// <summary>
    /// Decodes the file's first image. A file holding several (multi-page TIFF, DICOM series) gives its first, with a
    /// note: dataset folders written by vigil organize always point at one-image files, so this only happens with
    /// hand-written CSVs. When <paramref name="expectedHash"/> is given and the pixels differ, the image is used and a
    /// note says the file changed since the CSV was written.
    /// </summary>
    public static Outcome Decode(ImageReaderRegistry registry, string path, ImageReadOptions readOptions, string? expectedHash, CancellationToken cancellationToken)
    {
        try
        {
            if (!File.Exists(path)) return Skip(path, Directory.Exists(path) ? "is a folder, not an image file" : "file not found");
            using var images = registry.Read(path, readOptions, cancellationToken).GetEnumerator();
            if (!images.MoveNext()) return Skip(path, "the file holds no image");
            var frame = images.Current.Frame;
            if (images.MoveNext())
                return new Outcome(frame, new ImageIssue(path, "the file holds several images; the first was used", Skipped: false));
            if (expectedHash is not null && !string.Equals(ContentHash.Of(frame), expectedHash, StringComparison.OrdinalIgnoreCase))
                return new Outcome(frame, new ImageIssue(path, "pixels differ from the CSV's content_hash (the file changed since vigil organize); used as it is now", Skipped: false));
            return new Outcome(frame, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Any failure of one file (bad content, I/O, a reader bug on hostile input) costs that image, never the run.
            return Skip(path, OneLine(e is ImageFormatException ? e.Message : $"{e.GetType().Name}: {e.Message}"));
        }
    }

    private static Outcome Skip(string path, string reason) => new(null, new ImageIssue(path, reason, Skipped: true));

    private static string OneLine(string text)
    {
        int n = text.IndexOfAny(['\r', '\n']);
        return n < 0 ? text : text[..n];
    }
}
