using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Vigil.Datasets.Sources;
using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.Datasets.Processing;

/// <summary>
/// Reads every planned file once, hashes every image, and writes container images as PNG into the staging folder.
/// Readers work on several files at once (decoding is the heavy part for image folders); the images of multi-image
/// files (IDX, npz, volumes) go through a bounded queue to encoders, so one big container still uses every core.
/// Output order does not depend on timing: rows are sorted by (file, image) position afterwards.
/// </summary>
internal sealed class ImagePipeline(
    ImageReaderRegistry registry, ImageReadOptions readOptions, RecordFactory factory, string stagingFolder, string datasetFolder, int workers)
{
    private long _filesDone, _imagesDone;

    /// <summary>Files finished so far.</summary>
    public long FilesDone => Interlocked.Read(ref _filesDone);
    /// <summary>Images finished so far.</summary>
    public long ImagesDone => Interlocked.Read(ref _imagesDone);

    /// <summary>Processes every file; calls <paramref name="tick"/> on the calling thread a few times a second.</summary>
    /// <remarks>An exception thrown by <paramref name="tick"/> stops the workers and propagates.</remarks>
    public (List<ImageRecord> Records, List<Rejection> Rejected) Run(IReadOnlyList<FileTask> files, Action tick, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        // Bounded in items: a few frames per worker in flight keeps memory small even for large 16-bit slices.
        using var queue = new BlockingCollection<WorkItem>(boundedCapacity: 8 * workers);
        var perThread = new List<ImageRecord>[2 * workers];
        var rejected = new ConcurrentQueue<Rejection>();
        int nextFile = -1, readersLeft = workers;
        Exception? failure = null;

        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
            stop.Cancel();
        }

        var threads = new Task[2 * workers];
        for (int w = 0; w < workers; w++)
        {
            int slot = w;
            threads[slot] = Task.Factory.StartNew(() =>
            {
                var local = perThread[slot] = [];
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref nextFile)) < files.Count)
                    {
                        token.ThrowIfCancellationRequested();
                        ReadFile(files[i], queue, local, rejected, token);
                        Interlocked.Increment(ref _filesDone);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { }
                catch (Exception e) { Fail(e); }
                finally
                {
                    if (Interlocked.Decrement(ref readersLeft) == 0) queue.CompleteAdding();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        for (int w = 0; w < workers; w++)
        {
            int slot = workers + w;
            threads[slot] = Task.Factory.StartNew(() =>
            {
                var local = perThread[slot] = [];
                try
                {
                    foreach (var item in queue.GetConsumingEnumerable(token))
                        local.Add(Process(item.File, item.Image, item.Index, multiImage: true));
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { }
                catch (Exception e) { Fail(e); }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var all = Task.WhenAll(threads);
        try
        {
            while (!all.Wait(200, CancellationToken.None)) tick();
        }
        catch
        {
            stop.Cancel();
            try { all.Wait(CancellationToken.None); } catch (AggregateException) { }
            throw;
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        cancellationToken.ThrowIfCancellationRequested();

        int total = 0;
        foreach (var list in perThread) total += list.Count;
        var records = new List<ImageRecord>(total);
        foreach (var list in perThread) records.AddRange(list);
        records.Sort(static (a, b) => a.FileIndex != b.FileIndex ? a.FileIndex.CompareTo(b.FileIndex) : a.ImageIndex.CompareTo(b.ImageIndex));
        var rejections = rejected.ToList();
        rejections.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        return (records, rejections);
    }

    private void ReadFile(FileTask task, BlockingCollection<WorkItem> queue, List<ImageRecord> local, ConcurrentQueue<Rejection> rejected,
        CancellationToken token)
    {
        int count = 0;
        IEnumerator<DecodedImage>? images = null;
        try
        {
            var reader = Guard(() => registry.Resolve(task.FullPath));
            var file = new FileContext(task, PathNames.ToPosix(Path.GetRelativePath(datasetFolder, task.FullPath)),
                ReaderKinds.IsPlain(reader), ReaderKinds.IsCollection(reader));
            images = Guard(() => reader.Read(task.FullPath, readOptions, token).GetEnumerator());
            if (!Guard(images.MoveNext))
            {
                rejected.Enqueue(new Rejection(task.Index, task.FullPath, "the file holds no image"));
                return;
            }
            var first = images.Current;
            if (!Guard(images.MoveNext))
            {
                local.Add(Process(file, first, 0, multiImage: false));
                count = 1;
                return;
            }
            Directory.CreateDirectory(Path.Combine(stagingFolder, task.OutputBase));
            if (file.Collection) Directory.CreateDirectory(Path.Combine(stagingFolder, task.OutputBase, Shard(0)));
            queue.Add(new WorkItem(file, first, 0), token);
            queue.Add(new WorkItem(file, images.Current, 1), token);
            count = 2;
            while (Guard(images.MoveNext))
            {
                // Folders are made here, ahead of the encoders, so encoders never race to create one.
                if (file.Collection && count % ShardSize == 0)
                    Directory.CreateDirectory(Path.Combine(stagingFolder, task.OutputBase, Shard(count)));
                queue.Add(new WorkItem(file, images.Current, count++), token);
            }
        }
        catch (UnreadableFileException e)
        {
            var reason = count > 0 ? $"{e.Message} (after {count} images, which were kept)" : e.Message;
            rejected.Enqueue(new Rejection(task.Index, task.FullPath, reason));
        }
        finally
        {
            try { images?.Dispose(); } catch (Exception e) when (e is ImageFormatException or IOException) { }
        }
    }

    // Anything a reader throws while opening or decoding is that file's fault: report it and go on. Cancellation
    // and failures of this process itself (out of memory) are not.
    private static T Guard<T>(Func<T> read)
    {
        try { return read(); }
        catch (OperationCanceledException) { throw; }
        catch (OutOfMemoryException) { throw; }
        catch (ImageFormatException e) { throw new UnreadableFileException(e.Message, e); }
        catch (Exception e) { throw new UnreadableFileException($"reader failed: {e.GetType().Name}: {e.Message}", e); }
    }

    private ImageRecord Process(FileContext file, DecodedImage image, int index, bool multiImage)
    {
        var frame = image.Frame;
        var hash = ContentHash.Of(frame);
        string path;
        bool written = multiImage || !file.PlainFormat;
        if (!written) path = file.SourceRef;
        else
        {
            path = !multiImage ? file.Task.OutputBase + ".png"
                : file.Collection ? file.Task.OutputBase + "/" + Shard(index) + "/" + ImageName(image.Key, index) + ".png"
                : file.Task.OutputBase + "/" + ImageName(image.Key, index) + ".png";
            WritePng(frame, path, folderReady: multiImage);
        }
        var record = factory.Create(file, image, index, multiImage, path, hash, written);
        Interlocked.Increment(ref _imagesDone);
        return record;
    }

    private void WritePng(ImageFrame frame, string relativePath, bool folderReady)
    {
        var full = Path.Combine(stagingFolder, relativePath);
        // Multi-image files get their folders from the reader thread; a single-image container (a DICOM file) makes its own.
        if (!folderReady) Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var png = PngEncoder.Encode(frame);
        // CreateNew: a name clash would be a bug in naming, never a silent overwrite. One handle, one write: for tiny
        // images (IDX, MedMNIST) the file system calls cost more than the encoding.
        using var handle = File.OpenHandle(full, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        RandomAccess.Write(handle, png, 0);
    }

    /// <summary>Images per sub-folder for collections (npz, IDX): small folders keep file browsers and parallel writes fast.</summary>
    public const int ShardSize = 1000;

    private static string Shard(int index) => (index / ShardSize).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    // Keys name images inside a container ("train-00017", "z-042"); unsafe characters are replaced, and a changed
    // key gets the image's position appended so two keys can never end up with one name.
    private static string ImageName(string key, int index)
    {
        if (key.Length == 0) return index.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        var safe = PathNames.SafeSegment(key);
        return safe == key ? key : safe + "~" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private readonly record struct WorkItem(FileContext File, DecodedImage Image, int Index);

    private sealed class UnreadableFileException(string message, Exception inner) : Exception(message, inner);
}
