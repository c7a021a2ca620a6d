using TorchSharp;
using Vigil.Imaging;
using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>Decodes and resizes every image of a split, in parallel, straight into one uint8 tensor.</summary>
internal static class CacheBuilder
{
    /// <summary>The built images (first <c>Contents.Labels.Length</c> of the tensor hold the readable ones, in row order).</summary>
    public static (Tensor Images, CacheContents Contents) Build(SplitSource split, int size, int channels, ImageReaderRegistry registry, ImageReadOptions readOptions,
        int parallelism, IProgress<CacheProgress>? progress, CancellationToken cancellationToken)
    {
        // An oversampled train.csv repeats rows: decode each file once and copy it into every slot that lists it.
        var slotsOfPath = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var paths = new List<string>();
        var expectedHash = new List<string?>();
        for (int r = 0; r < split.Rows.Count; r++)
        {
            var row = split.Rows[r];
            if (!slotsOfPath.TryGetValue(row.Path, out var slots))
            {
                slotsOfPath[row.Path] = slots = [];
                paths.Add(row.Path);
                expectedHash.Add(row.ContentHash);
            }
            slots.Add(r);
        }

        int n = split.Rows.Count, imageBytes = channels * size * size;
        var images = torch.empty([n, channels, size, size], ScalarType.Byte);
        try
        {
            nint address = TensorMemory.Address(images);
            var issues = new ImageIssue?[paths.Count];
            var readable = new bool[paths.Count];
            int done = 0, reportEvery = Math.Max(1, paths.Count / 100);
            progress?.Report(new CacheProgress(split.Name, 0, paths.Count));
            var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
            Parallel.For(0, paths.Count, options, () => new byte[imageBytes], (u, _, buffer) =>
            {
                var outcome = FirstImageDecoder.Decode(registry, paths[u], readOptions, expectedHash[u], cancellationToken);
                issues[u] = outcome.Issue;
                if (outcome.Frame is { } frame)
                {
                    PixelConverter.Convert(frame, size, channels, buffer);
                    foreach (int slot in slotsOfPath[paths[u]])
                        buffer.CopyTo(TensorMemory.Span(address, (long)slot * imageBytes, imageBytes));
                    readable[u] = true;
                }
                int now = Interlocked.Increment(ref done);
                if (now % reportEvery == 0 || now == paths.Count) progress?.Report(new CacheProgress(split.Name, now, paths.Count));
                return buffer;
            }, _ => { });

            // Close the gaps left by unreadable files, keeping row order; slots only move towards the front.
            var uniqueOfPath = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int u = 0; u < paths.Count; u++) uniqueOfPath[paths[u]] = u;
            var labels = new List<long>(n);
            var rows = new List<int>(n);
            for (int r = 0; r < n; r++)
            {
                if (!readable[uniqueOfPath[split.Rows[r].Path]]) continue;
                int position = rows.Count;
                if (position != r)
                    TensorMemory.Span(address, (long)r * imageBytes, imageBytes).CopyTo(TensorMemory.Span(address, (long)position * imageBytes, imageBytes));
                rows.Add(r);
                labels.Add(split.ClassId(split.Rows[r]));
            }
            var contents = new CacheContents([.. labels], [.. rows], issues.OfType<ImageIssue>().ToList());
            if (rows.Count == n || rows.Count == 0) return (images, contents);
            // A view of the kept images; the storage of the skipped ones is a small, short-lived waste.
            var kept = images.narrow(0, 0, rows.Count);
            images.Dispose();
            return (kept, contents);
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }
}
