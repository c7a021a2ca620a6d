using System.Threading.Channels;
using TorchSharp;
using Vigil.ML.Compute;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Data;

/// <summary>
/// Serves batches from a <see cref="CachedSplit"/> (or a selection of its images): gathers the epoch's images from the
/// uint8 cache, scales them to float [0,1], augments them, and prepares the next batches on a background thread while
/// the caller's model computes. The order and augmentation of every batch depend only on (seed, epoch, batch index),
/// so runs are reproducible, prefetching changes nothing, and <see cref="LoaderState"/> resumes mid-epoch exactly.
/// </summary>
public sealed class BatchLoader
{
    private readonly CachedSplit _data;
    private readonly int[] _positions;
    private readonly long[] _labels;

    /// <summary>Creates a loader over all images of <paramref name="data"/>, or over <paramref name="positions"/> (from <see cref="CachedSplit.PositionsOf"/>).</summary>
    /// <exception cref="DataPipelineException">The selection is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option or position is out of range.</exception>
    public BatchLoader(CachedSplit data, LoaderOptions options, IReadOnlyList<int>? positions = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchNative.EnsureLoaded();
        _data = data;
        Options = options;
        _positions = positions is null ? [.. Enumerable.Range(0, data.Count)] : [.. positions];
        if (_positions.Length == 0)
            throw new DataPipelineException($"the selection from split '{data.Split.Name}' ({data.Split.Origin}) holds no readable image; check the split's labels and --vae-data.");
        foreach (int p in _positions)
            if ((uint)p >= (uint)data.Count) throw new ArgumentOutOfRangeException(nameof(positions), p, $"positions must be 0 to {data.Count - 1}");
        _labels = [.. _positions.Select(p => data.LabelArray[p])];
    }

    /// <summary>The options in use.</summary>
    public LoaderOptions Options { get; }
    /// <summary>The cached split the images come from.</summary>
    public CachedSplit Data => _data;
    /// <summary>Images in the selection (draws per epoch).</summary>
    public int Count => _positions.Length;

    /// <summary>Batches per epoch (see <see cref="LoaderOptions.DropLast"/>).</summary>
    public int BatchesPerEpoch
    {
        get
        {
            int full = Count / Options.BatchSize, rest = Count % Options.BatchSize;
            return Options.DropLast && full > 0 ? full : full + (rest > 0 ? 1 : 0);
        }
    }

    /// <summary>The state at a given point, for a checkpoint.</summary>
    public LoaderState StateAt(int epoch, int nextBatch) => new(Options.Seed, epoch, nextBatch);

    /// <summary>The batches of epoch <paramref name="epoch"/> from <paramref name="startBatch"/> on. Dispose each batch after use.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or the start batch is outside the epoch.</exception>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (startBatch < 0 || startBatch > BatchesPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(startBatch), startBatch, $"must be 0 to {BatchesPerEpoch}");
        int[] order = EpochPlan.Order(_labels, Options.Sampling, Options.Seed, epoch);
        return Options.Prefetch == 0
            ? OnDemand(order, epoch, startBatch, cancellationToken)
            : Prefetched(order, epoch, startBatch, cancellationToken);
    }

    /// <summary>
    /// The images of one pass (epoch 0), batch by batch; each batch is disposed when the caller moves to the next, so
    /// keep nothing from it without copying.
    /// </summary>
    public IEnumerable<Tensor> Images(CancellationToken cancellationToken = default)
    {
        foreach (var batch in Epoch(0, cancellationToken: cancellationToken))
            using (batch) yield return batch.Images;
    }

    /// <summary>Continues where <paramref name="state"/> says (the rest of that epoch).</summary>
    /// <exception cref="ArgumentException">The state was saved with another seed.</exception>
    public IEnumerable<Batch> Resume(LoaderState state, CancellationToken cancellationToken = default)
    {
        if (state.Seed != Options.Seed)
            throw new ArgumentException($"the saved loader state has seed {state.Seed}, this loader {Options.Seed}; resume with the run's seed.", nameof(state));
        return Epoch(state.Epoch, state.NextBatch, cancellationToken);
    }

    private IEnumerable<Batch> OnDemand(int[] order, int epoch, int start, CancellationToken cancellationToken)
    {
        for (int b = start; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Build(order, epoch, b);
        }
    }

    private IEnumerable<Batch> Prefetched(int[] order, int epoch, int start, CancellationToken cancellationToken)
    {
        // Capacity = batches waiting beyond the one being built: the producer stays at most that far ahead.
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Options.Prefetch)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int end = BatchesPerEpoch;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                for (int b = start; b < end; b++)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    var batch = Build(order, epoch, b);
                    try { channel.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult(); }
                    catch { batch.Dispose(); throw; }
                }
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { channel.Writer.TryComplete(); }
            catch (Exception e) { channel.Writer.TryComplete(e); } // rethrown to the consumer by WaitToReadAsync
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            while (true)
            {
                Batch? batch;
                while (!channel.Reader.TryRead(out batch))
                    if (!channel.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult()) yield break;
                yield return batch;
            }
        }
        finally
        {
            // The consumer finished, stopped early or failed: stop the producer, then free what it made but nobody took.
            stop.Cancel();
            producer.Wait(CancellationToken.None);
            while (channel.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    private Batch Build(int[] order, int epoch, int index)
    {
        int first = index * Options.BatchSize, size = Math.Min(Options.BatchSize, order.Length - first);
        var cachePositions = new long[size];
        var labels = new long[size];
        var rows = new int[size];
        for (int i = 0; i < size; i++)
        {
            int p = _positions[order[first + i]];
            cachePositions[i] = p;
            labels[i] = _data.LabelArray[p];
            rows[i] = _data.RowArray[p];
        }

        using var threads = OpenMpThreads.SingleThreaded();
        using var scope = torch.NewDisposeScope();
        var images = _data.Images;
        var gathered = images.index_select(0, torch.tensor(cachePositions, device: images.device));
        var y = torch.tensor(labels, device: images.device);
        if (Options.Device is { } device)
        {
            // uint8 travels to the device (a quarter of the float bytes); conversion and augmentation run there.
            gathered = gathered.to(device);
            y = y.to(device);
        }
        var x = gathered.to_type(ScalarType.Float32).div_(KeptScalars.Of(255));
        if (Options.Augment is { } augment)
            x = Augmenter.Apply(x, augment, SplitMix64.For(Options.Seed, epoch, 1L + index));
        // The batch, not any thread's dispose scope, owns these: it may be built on the prefetch thread.
        return new Batch(x.DetachFromDisposeScope(), y.DetachFromDisposeScope(), rows, Options.Seed, epoch, index);
    }
}
