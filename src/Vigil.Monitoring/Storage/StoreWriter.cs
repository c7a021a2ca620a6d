using System.Threading.Channels;

namespace Vigil.Monitoring.Storage;

/// <summary>
/// Puts every write to an <see cref="IMetricStore"/> through one bounded queue and one background loop, so callers
/// never wait on the disk unless they ask to: points that arrive together are committed together (one transaction for
/// everything queued, up to <see cref="StoreWriterOptions.MaxBatchPoints"/>), and other operations (run state, epochs,
/// alerts) keep their place in the order.
/// </summary>
/// <remarks>
/// Two ways in. <c>AppendAsync</c>/<c>RunAsync</c> wait for room and complete once the write is committed: an
/// acknowledged write is durable (see the store's remarks). <c>TryEnqueue</c> never waits — for the training thread —
/// and counts what it had to drop when the queue is full rather than slowing the trainer.
/// </remarks>
public sealed class StoreWriter : IAsyncDisposable
{
    private readonly IMetricStore _store;
    private readonly StoreWriterOptions _options;
    private readonly Action<Exception>? _onError;
    private readonly Channel<Request> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _loop;
    private long _committedPoints, _dropped, _failed;

    /// <summary>Starts the write loop on <paramref name="store"/> (already initialised).</summary>
    /// <param name="store">The store written to.</param>
    /// <param name="options">Queue and batch sizes.</param>
    /// <param name="onError">Told about failed fire-and-forget writes (acknowledged writes fail their task instead).</param>
    public StoreWriter(IMetricStore store, StoreWriterOptions? options = null, Action<Exception>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new StoreWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchPoints, 1);
        _onError = onError;
        _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(_options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Points committed so far.</summary>
    public long CommittedPoints => Interlocked.Read(ref _committedPoints);

    /// <summary>Fire-and-forget writes dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Writes that failed in the store.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Requests waiting in the queue.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Queues <paramref name="points"/>; completes when they are committed (durable).</summary>
    public async Task AppendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return;
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Request(default, points, null, ack), cancellationToken).ConfigureAwait(false);
        await ack.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues <paramref name="operation"/> after everything queued before; completes when it has run.</summary>
    public async Task RunAsync(Func<IMetricStore, CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Request(default, null, operation, ack), cancellationToken).ConfigureAwait(false);
        await ack.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues one point without waiting; false (and counted in <see cref="Dropped"/>) when the queue is full or closed.</summary>
    public bool TryEnqueue(MetricPoint point) => Offer(new Request(point, null, null, null));

    /// <summary>Queues an operation without waiting; false (and counted in <see cref="Dropped"/>) when the queue is full or closed.</summary>
    public bool TryEnqueue(Func<IMetricStore, CancellationToken, Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return Offer(new Request(default, null, operation, null));
    }

    /// <summary>Completes when everything queued before the call is committed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => RunAsync((_, _) => Task.CompletedTask, cancellationToken);

    /// <summary>Stops taking writes, commits what is queued, and ends the loop (the store stays open).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _abort.Dispose();
        }
    }

    private bool Offer(Request request)
    {
        if (_queue.Writer.TryWrite(request)) return true;
        Interlocked.Increment(ref _dropped);
        return false;
    }

    private async Task LoopAsync()
    {
        ChannelReader<Request> reader = _queue.Reader;
        var batch = new List<MetricPoint>(Math.Min(_options.MaxBatchPoints, 16_384));
        var acks = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Take everything already queued: under load the queue fills while a batch commits, so batches grow by
            // themselves; when idle, a lone point is committed at once instead of waiting for company.
            while (reader.TryRead(out Request request))
            {
                if (request.Operation is { } operation)
                {
                    await CommitAsync(batch, acks).ConfigureAwait(false);
                    await RunOperationAsync(operation, request.Ack).ConfigureAwait(false);
                    continue;
                }
                if (request.Points is { } points) batch.AddRange(points);
                else batch.Add(request.Point);
                if (request.Ack is { } ack) acks.Add(ack);
                if (batch.Count >= _options.MaxBatchPoints) await CommitAsync(batch, acks).ConfigureAwait(false);
            }
            await CommitAsync(batch, acks).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<MetricPoint> batch, List<TaskCompletionSource> acks)
    {
        if (batch.Count == 0 && acks.Count == 0) return;
        try
        {
            await _store.AppendPointsAsync(batch, _abort.Token).ConfigureAwait(false);
            Interlocked.Add(ref _committedPoints, batch.Count);
            foreach (TaskCompletionSource ack in acks) ack.TrySetResult();
        }
        catch (Exception e)
        {
            Interlocked.Add(ref _failed, 1);
            foreach (TaskCompletionSource ack in acks) ack.TrySetException(e);
            if (acks.Count == 0) Report(e);
        }
        finally
        {
            batch.Clear();
            acks.Clear();
        }
    }

    private async Task RunOperationAsync(Func<IMetricStore, CancellationToken, Task> operation, TaskCompletionSource? ack)
    {
        try
        {
            await operation(_store, _abort.Token).ConfigureAwait(false);
            ack?.TrySetResult();
        }
        catch (Exception e)
        {
            Interlocked.Add(ref _failed, 1);
            if (ack is not null) ack.TrySetException(e);
            else Report(e);
        }
    }

    private void Report(Exception e)
    {
        try
        {
            _onError?.Invoke(e);
        }
        catch (Exception)
        {
            // The error callback itself failed; the write loop must keep running for everyone else.
        }
    }

    private readonly record struct Request(MetricPoint Point, IReadOnlyList<MetricPoint>? Points, Func<IMetricStore, CancellationToken, Task>? Operation, TaskCompletionSource? Ack);
}

/// <summary>Sizes for <see cref="StoreWriter"/>.</summary>
public sealed record StoreWriterOptions
{
    /// <summary>Requests the queue holds before acknowledged writers wait and fire-and-forget writes are dropped.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>Most points in one transaction (bigger batches amortise the commit; smaller ones acknowledge sooner).</summary>
    public int MaxBatchPoints { get; init; } = 20_000;
}
