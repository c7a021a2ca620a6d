using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Vigil.Imaging;

namespace Vigil.ML.Data;

/// <summary>
/// Names a split's cache file: <c>{split}-{S}px-{C}ch-{hash}.vtc</c>, where the hash covers everything the cached
/// bytes depend on (pipeline version, size, channels, read options other than training's, classes, and per row its
/// listed path, content hash and label), so a changed dataset (a file re-organized with new pixels, a relabelled image, a row added) gets a new cache.
/// </summary>
internal static class CacheKey
{
    /// <summary>Bump when decoding, resizing or the file layout changes, so old caches are rebuilt.</summary>
    public const int PipelineVersion = 1;

    /// <summary>The cache file extension ("Vigil tensor cache").</summary>
    public const string Extension = ".vtc";

    /// <summary>The 128-bit key.</summary>
    public static byte[] Compute(SplitSource split, int size, int channels, ImageReadOptions? readOptions = null)
    {
        var hash = new XxHash128();
        Append(hash, $"vigil-tensor-cache/{PipelineVersion}\n{size}\n{channels}\n{string.Join("\u001f", split.Classes)}\n");
        // Other read options give other pixels; training's own add nothing, so the caches already on disk stay valid.
        if (readOptions is not null && readOptions != InputConversion.ReadOptions) Append(hash, $"read:{readOptions}\n");
        foreach (var row in split.Rows)
            Append(hash, $"{row.ListedPath}\t{ContentIdentity(row)}\t{split.ClassId(row).ToString(CultureInfo.InvariantCulture)}\n");
        return hash.GetCurrentHash();
    }

    /// <summary>The cache file name for a key.</summary>
    public static string FileName(string split, int size, int channels, byte[] key) =>
        $"{Prefix(split, size, channels)}{Convert.ToHexStringLower(key)[..16]}{Extension}";

    /// <summary>The part of the name shared by every cache of this split, size and channel count.</summary>
    public static string Prefix(string split, int size, int channels) => $"{split}-{size}px-{channels}ch-";

    // The CSV's content hash identifies the pixels; a hand-written CSV without one falls back on the file's size and
    // modification time (absolute path included, since the listed path alone says nothing about which file it is).
    private static string ContentIdentity(DatasetRow row)
    {
        if (row.ContentHash is { } hash) return hash;
        var info = new FileInfo(row.Path);
        return info.Exists
            ? $"{row.Path}|{info.Length}|{info.LastWriteTimeUtc.Ticks}"
            : $"{row.Path}|missing";
    }

    private static void Append(XxHash128 hash, string text) => hash.Append(Encoding.UTF8.GetBytes(text));
}
