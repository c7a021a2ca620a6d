using System.IO.Compression;

namespace Vigil.Imaging.Numpy;

/// <summary>Stream helpers shared by the container readers (npy/npz, IDX, NIfTI): bounded reads and gzip sniffing.</summary>
internal static class StreamIo
{
    /// <summary>True when the bytes start with the gzip magic number.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8;

    /// <summary>Opens a file for sequential reading, inflating it on the fly when it is gzip-compressed (by magic, not name).</summary>
    public static Stream OpenMaybeGzip(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[3];
            int n = file.ReadAtLeast(magic, 3, throwOnEndOfStream: false);
            file.Position = 0;
            return IsGzip(magic[..n]) ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Inflates the start of a gzip stream from the first bytes of a file (signature sniffing without opening the file).
    /// Returns what could be inflated, possibly fewer than <paramref name="wanted"/> bytes; empty when it is not gzip.
    /// </summary>
    public static byte[] GzipPrefix(ReadOnlySpan<byte> head, int wanted)
    {
        if (!IsGzip(head)) return [];
        var output = new byte[wanted];
        int total = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(head.ToArray(), writable: false), CompressionMode.Decompress);
            while (total < wanted)
            {
                int n = gzip.Read(output, total, wanted - total);
                if (n == 0) break;
                total += n;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The head ends mid-stream; whatever was inflated before that is still usable.
        }
        return output[..total];
    }

    /// <summary>Fills <paramref name="buffer"/> or throws an <see cref="ImageFormatException"/> naming what was cut short.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new ImageFormatException(path, $"file is truncated: {what} ends early");
    }

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes. The buffer grows with the data actually read, so a header that
    /// declares far more than the file holds costs an error, not a giant allocation.
    /// </summary>
    public static byte[] ReadBounded(Stream stream, long count, string path, string what, CancellationToken cancellationToken)
    {
        if (count > Array.MaxLength)
            throw new ImageFormatException(path, $"{what} declares {count:N0} bytes, more than one buffer can hold");
        const int firstChunk = 1 << 20;
        var buffer = new byte[(int)Math.Min(count, firstChunk)];
        int filled = 0;
        while (filled < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(count, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
                throw new ImageFormatException(path, $"file is truncated: {what} declares {count:N0} bytes, only {filled:N0} present");
            filled += n;
        }
        return buffer;
    }

    /// <summary>Advances the stream by <paramref name="count"/> bytes, reading through it when it cannot seek.</summary>
    public static void Skip(Stream stream, long count, string path, string what, CancellationToken cancellationToken)
    {
        if (count <= 0) return;
        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position < count)
                throw new ImageFormatException(path, $"file is truncated: {what} lies beyond the end of the file");
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        var scratch = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
            if (n == 0) throw new ImageFormatException(path, $"file is truncated: {what} lies beyond the end of the file");
            count -= n;
        }
    }
}
