using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using Vigil.Core.Json;
using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>What a cache file holds besides the pixels.</summary>
/// <param name="Labels">Class id per cached image (-1 = unlabeled).</param>
/// <param name="Rows">Index of each cached image in the split's rows.</param>
/// <param name="Issues">Images skipped or noted while decoding, so a cache hit reports them too.</param>
internal sealed record CacheContents(long[] Labels, int[] Rows, IReadOnlyList<ImageIssue> Issues);

/// <summary>
/// The cache file (little-endian; see docs/data-pipeline.md):
/// <code>
///  0  magic "VIGILTC1"          8  int32 version        12 int32 C      16 int32 S      20 int32 header size (64)
/// 24  int64 N                  32  16-byte key          48 int64 issues JSON length  56 int64 pixel offset
/// 64  int64 labels[N], int32 rows[N], issues JSON (UTF-8), zero padding to a 4 KiB boundary
///     uint8 pixels[N,C,S,S]
/// </code>
/// The pixels are one block at a page-aligned offset, read straight into the tensor's memory: no parsing, no copy.
/// </summary>
internal static class CacheFile
{
    private const int HeaderSize = 64, Version = 1, Alignment = 4096;
    private const int ChunkBytes = 1 << 30; // one read/write call per GiB keeps every span under int.MaxValue
    private static ReadOnlySpan<byte> Magic => "VIGILTC1"u8;

    /// <summary>
    /// Writes the images atomically: into a temporary file beside the target, flushed to disk, then renamed over it,
    /// so readers see the old file or the complete new one, never a partial one.
    /// </summary>
    /// <param name="path">The cache file.</param>
    /// <param name="images">uint8 [≥N,C,S,S], contiguous, on the CPU; its first N images are written (N = number of labels).</param>
    /// <param name="contents">Labels, rows and issues.</param>
    /// <param name="key">The 16-byte key the file is valid for.</param>
    /// <param name="beforeCommit">Test seam: called with the temporary path just before the rename.</param>
    public static void Write(string path, Tensor images, CacheContents contents, byte[] key, Action<string>? beforeCommit = null)
    {
        long n = contents.Labels.Length;
        int c = (int)images.shape[1], s = (int)images.shape[2];
        byte[] issues = JsonSerializer.SerializeToUtf8Bytes(contents.Issues, VigilJson.Options);
        long metaEnd = HeaderSize + n * 8 + n * 4 + issues.Length;
        long pixelOffset = (metaEnd + Alignment - 1) / Alignment * Alignment;

        var header = new byte[pixelOffset];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), c);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), s);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), n);
        key.CopyTo(header.AsSpan(32, 16));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(48), issues.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(56), pixelOffset);
        MemoryMarshal.AsBytes(contents.Labels.AsSpan()).CopyTo(header.AsSpan(HeaderSize));
        MemoryMarshal.AsBytes(contents.Rows.AsSpan()).CopyTo(header.AsSpan(HeaderSize + (int)(n * 8)));
        issues.CopyTo(header.AsSpan((int)(HeaderSize + n * 12)));

        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(header);
                long total = n * c * s * s;
                nint address = TensorMemory.Address(images);
                for (long done = 0; done < total;)
                {
                    int chunk = (int)Math.Min(ChunkBytes, total - done);
                    stream.Write(TensorMemory.Span(address, done, chunk));
                    done += chunk;
                }
                stream.Flush(flushToDisk: true); // the rename must never publish data still in the page cache only
            }
            beforeCommit?.Invoke(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Reads a cache file written for <paramref name="key"/>, <paramref name="channels"/> and <paramref name="size"/>;
    /// returns null, with the reason, when it is not one (truncated, another version, another key).
    /// </summary>
    public static (Tensor? Images, CacheContents? Contents, string? Error) Read(string path, byte[] key, int channels, int size)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        long length = RandomAccess.GetLength(file);
        var header = new byte[HeaderSize];
        if (length < HeaderSize || RandomAccess.Read(file, header, 0) != HeaderSize) return Fail("shorter than its header");
        if (!header.AsSpan(0, 8).SequenceEqual(Magic)) return Fail("not a Vigil tensor cache");
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != Version) return Fail("written by another version");
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != channels
            || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16)) != size) return Fail("holds another image size or channel count");
        if (!header.AsSpan(32, 16).SequenceEqual(key)) return Fail("was built from other rows");
        long n = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24));
        long issuesLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(48));
        long pixelOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(56));
        long imageBytes = (long)channels * size * size;
        if (n <= 0 || n > int.MaxValue || issuesLength < 0 || pixelOffset < HeaderSize + n * 12 + issuesLength
            || pixelOffset > int.MaxValue || length != pixelOffset + n * imageBytes)
            return Fail("is truncated or inconsistent");

        var meta = new byte[pixelOffset - HeaderSize];
        if (ReadFully(file, meta, HeaderSize) != meta.Length) return Fail("is truncated");
        var labels = MemoryMarshal.Cast<byte, long>(meta.AsSpan(0, (int)(n * 8))).ToArray();
        var rows = MemoryMarshal.Cast<byte, int>(meta.AsSpan((int)(n * 8), (int)(n * 4))).ToArray();
        IReadOnlyList<ImageIssue> issues;
        try
        {
            issues = JsonSerializer.Deserialize<List<ImageIssue>>(meta.AsSpan((int)(n * 12), (int)issuesLength), VigilJson.Options) ?? [];
        }
        catch (JsonException e) { return Fail($"has a damaged issue list ({e.Message})"); }

        var images = torch.empty([n, channels, size, size], ScalarType.Byte);
        try
        {
            nint address = TensorMemory.Address(images);
            long total = n * imageBytes;
            for (long done = 0; done < total;)
            {
                int chunk = (int)Math.Min(ChunkBytes, total - done);
                int read = ReadFully(file, TensorMemory.Span(address, done, chunk), pixelOffset + done);
                if (read != chunk) { images.Dispose(); return Fail("is truncated"); }
                done += chunk;
            }
        }
        catch
        {
            images.Dispose();
            throw;
        }
        return (images, new CacheContents(labels, rows, issues), null);

        static (Tensor?, CacheContents?, string?) Fail(string why) => (null, null, why);
    }

    // RandomAccess.Read may return fewer bytes than asked (signals, network file systems); loop until full or end.
    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle file, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(file, buffer[total..], offset + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }
}
