using Vigil.Imaging;
using Vigil.ML.Native;

namespace Vigil.ML.Data;

/// <summary>
/// Decodes a split once per image size and channel count into a uint8 tensor and keeps it in a cache file, so every
/// later epoch and run starts from one fast read instead of decoding images (docs/data-pipeline.md).
/// </summary>
public static class SplitCache
{
    /// <summary>
    /// The split's images: read from its cache file when one exists for exactly these rows, size and channels, otherwise
    /// decoded (in parallel), written to a new cache file atomically, and older caches of the same split removed.
    /// Unreadable images are skipped and listed in <see cref="CachedSplit.Issues"/>; a damaged or unwritable cache file
    /// never fails the load (see <see cref="CachedSplit.Notes"/>).
    /// </summary>
    /// <exception cref="DataPipelineException">The options are invalid, the split has no rows, or none of its images can be read.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static CachedSplit Load(SplitSource split, CacheOptions options, IProgress<CacheProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchNative.EnsureLoaded();
        if (split.Rows.Count == 0)
            throw new DataPipelineException($"split '{split.Name}' has no images ({split.Origin}); re-run vigil organize with more images or another --split, or give a CSV with rows.");

        int size = options.ImageSize, channels = options.Channels;
        byte[] key = CacheKey.Compute(split, size, channels, options.ReadOptions);
        string folder = Path.GetFullPath(options.Folder);
        string path = Path.Combine(folder, CacheKey.FileName(split.Name, size, channels, key));
        var notes = new List<string>();

        if (options.Persist && File.Exists(path))
        {
            try
            {
                var (images, contents, error) = CacheFile.Read(path, key, channels, size);
                if (images is not null && contents is not null)
                    return new CachedSplit(split, images, contents.Labels, contents.Rows, contents.Issues, notes, path, fromCache: true);
                notes.Add($"cache file {path} {error}; rebuilt it");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"cache file {path} could not be read ({e.Message}); rebuilt it");
            }
        }

        var registry = options.Registry ?? ImageReaderRegistry.CreateDefault();
        var (built, builtContents) = CacheBuilder.Build(split, size, channels, registry, options.ReadOptions, options.MaxDegreeOfParallelism, progress, cancellationToken);
        if (builtContents.Rows.Length == 0)
        {
            built.Dispose();
            var first = builtContents.Issues.FirstOrDefault(i => i.Skipped);
            throw new DataPipelineException(
                $"split '{split.Name}' has no readable image: all {split.Rows.Count} failed" +
                (first is null ? "" : $" (first: {first.Path}: {first.Message})") +
                $"; fix or replace the files listed in {split.Origin} and re-run vigil organize.");
        }

        string? written = null;
        if (options.Persist)
        {
            try
            {
                CacheFile.Write(path, built, builtContents, key, options.BeforeCommit);
                written = path;
                RemoveStale(folder, CacheKey.Prefix(split.Name, size, channels), path, notes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"cache folder {folder} is not writable ({e.Message}); decoded in memory only, so the next run decodes again");
            }
        }
        return new CachedSplit(split, built, builtContents.Labels, builtContents.Rows, builtContents.Issues, notes, written, fromCache: false);
    }

    // Older caches of this split/size/channels (the dataset changed since) and temporary files of killed runs.
    private static void RemoveStale(string folder, string prefix, string current, List<string> notes)
    {
        var cutoff = DateTime.UtcNow.AddHours(-1);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            bool olderCache = name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(CacheKey.Extension, StringComparison.Ordinal) && file != current;
            // A temporary file may belong to a run writing right now: only remove it once it is clearly abandoned.
            bool abandoned = name.StartsWith('.') && name.Contains(".tmp-", StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) < cutoff;
            if (!olderCache && !abandoned) continue;
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { notes.Add($"could not remove old cache file {file}: {e.Message}"); }
        }
    }
}
