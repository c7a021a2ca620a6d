
namespace Vigil.Serving.Batching;

/// <summary>What one batch was: how many requests and items, how long its oldest waited, how long it ran.</summary>
/// <param name="Requests">Requests in the batch.</param>
/// <param name="Items">Items (images) in the batch.</param>
/// <param name="QueueTimes">How long each request waited, from queuing to the batch's start.</param>
/// <param name="Compute">How long the batch ran.</param>
/// <param name="Failed">Whether the run threw.</param>
public sealed record BatchReport(int Requests, int Items, IReadOnlyList<TimeSpan> QueueTimes, TimeSpan Compute, bool Failed);

/// <summary>
/// Queues requests and runs them together, as Triton's dynamic batcher does: one worker takes the waiting requests, up
/// to <see cref="BatchingOptions.MaxBatchSize"/> items, waits up to <see cref="BatchingOptions.MaxQueueDelay"/> from the
/// oldest one's arrival for more, then runs the batch with one call. The queue is bounded; a request whose token is
/// cancelled leaves the queue (or, when already taken, is left out of the run) and its caller gets the cancellation.
/// </summary>
/// <typeparam name="TIn">A request.</typeparam>
/// <typeparam name="TOut">Its answer.</typeparam>
public sealed class DynamicBatcher<TIn, TOut> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TIn>, CancellationToken, IReadOnlyList<TOut>> _run;
    private readonly BatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<BatchReport>? _report;
    private readonly Lock _gate = new();
    private readonly LinkedList<Pending> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private readonly ComputeThread _compute = ComputeThread.Shared;
    private TaskCompletionSource _arrived = NewSignal();
    private TaskCompletionSource? _held;
    private bool _closed;

    /// <summary>Starts the worker.</summary>
    /// <param name="run">Runs a batch: one answer per request, in order. Called on the process's compute thread, one batch at a time (every batcher's batches share it).</param>
    /// <param name="options">Batch size, delay and queue bound.</param>
    /// <param name="time">The clock the delay is measured on.</param>
    /// <param name="report">Told about every batch run (metrics).</param>
    public DynamicBatcher(Func<IReadOnlyList<TIn>, CancellationToken, IReadOnlyList<TOut>> run, BatchingOptions options, TimeProvider? time = null, Action<BatchReport>? report = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _run = run;
        _options = options;
        _time = time ?? TimeProvider.System;
        _report = report;
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>The settings.</summary>
    public BatchingOptions Options => _options;

    /// <summary>Requests waiting now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>
    /// Queues <paramref name="request"/> (counting <paramref name="items"/> towards the batch size) and completes with its
    /// answer once its batch has run.
    /// </summary>
    /// <exception cref="QueueFullException">The queue holds <see cref="BatchingOptions.MaxQueueSize"/> requests.</exception>
    /// <exception cref="BatcherClosedException">The batcher was closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled before the request's batch ran.</exception>
    public Task<TOut> EnqueueAsync(TIn request, int items, CancellationToken token = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
        token.ThrowIfCancellationRequested();
        var pending = new Pending(request, items, _time.GetTimestamp(), token);
        TaskCompletionSource arrived;
        lock (_gate)
        {
            if (_closed) throw new BatcherClosedException();
            if (_queue.Count >= _options.MaxQueueSize) throw new QueueFullException(_options.MaxQueueSize);
            pending.Node = _queue.AddLast(pending);
            arrived = _arrived;
        }
        if (token.CanBeCanceled)
            pending.Registration = token.Register(() =>
            {
                lock (_gate)
                {
                    if (pending.Node?.List is not null) _queue.Remove(pending.Node);
                }
                pending.Answer.TrySetCanceled(token);
            });
        arrived.TrySetResult();
        return pending.Answer.Task;
    }

    /// <summary>Stops taking batches until the returned handle is disposed (requests still queue): for tests and for a pause.</summary>
    internal IDisposable Hold()
    {
        lock (_gate) _held ??= NewSignal();
        return new Release(this);
    }

    /// <summary>Takes no more requests; those queued still run. Completes when the worker has finished them.</summary>
    public Task CloseAsync()
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            _closed = true;
            arrived = _arrived;
        }
        arrived.TrySetResult();
        return _worker;
    }

    /// <summary>Closes, runs what is queued, and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync()
    {
        var batch = new List<Pending>();
        while (true)
        {
            Task? wait = null;
            lock (_gate)
            {
                if (_held is { } held) wait = held.Task;
                else if (_queue.Count == 0)
                {
                    if (_closed) return;
                    _arrived = NewSignal();
                    wait = _arrived.Task;
                }
            }
            if (wait is not null)
            {
                await wait;
                continue;
            }

            batch.Clear();
            int items = Collect(batch, 0);
            long oldest = batch.Count > 0 ? batch[0].Queued : _time.GetTimestamp();
            while (items < _options.MaxBatchSize && _options.MaxQueueDelay > TimeSpan.Zero)
            {
                TimeSpan left = _options.MaxQueueDelay - _time.GetElapsedTime(oldest);
                if (left <= TimeSpan.Zero) break;
                Task arrived;
                lock (_gate)
                {
                    if (_closed) break;
                    if (_queue.Count > 0 && items + _queue.First!.Value.Items > _options.MaxBatchSize) break; // the next one would not fit
                    if (_queue.Count == 0) _arrived = NewSignal();
                    arrived = _arrived.Task;
                }
                if (!arrived.IsCompleted)
                {
                    using var timeout = new CancellationTokenSource();
                    Task delay = Task.Delay(left, _time, timeout.Token);
                    await Task.WhenAny(arrived, delay);
                    await timeout.CancelAsync();
                }
                items = Collect(batch, items);
            }
            await _compute.RunAsync(() => RunBatch(batch));
        }
    }

    // Moves queued requests into the batch while they fit (the first always does); returns the batch's items.
    private int Collect(List<Pending> batch, int items)
    {
        lock (_gate)
        {
            while (_queue.First is { } first && (batch.Count == 0 || items + first.Value.Items <= _options.MaxBatchSize))
            {
                _queue.RemoveFirst();
                first.Value.Node = null;
                if (first.Value.Answer.Task.IsCompleted) continue; // cancelled as it was taken
                batch.Add(first.Value);
                items += first.Value.Items;
            }
        }
        return items;
    }

    private void RunBatch(List<Pending> batch)
    {
        // A request cancelled after it was taken leaves the batch here: its caller already has the cancellation.
        List<Pending> live = batch.Where(p => !p.Answer.Task.IsCompleted).ToList();
        foreach (Pending p in batch) p.Registration.Dispose();
        if (live.Count == 0) return;
        long start = _time.GetTimestamp();
        var queueTimes = live.Select(p => _time.GetElapsedTime(p.Queued, start)).ToList();
        try
        {
            IReadOnlyList<TOut> answers = _run(live.Select(p => p.Request).ToList(), _stop.Token);
            if (answers.Count != live.Count) throw new InvalidOperationException($"the batch gave {answers.Count} answers for {live.Count} requests");
            _report?.Invoke(new BatchReport(live.Count, live.Sum(p => p.Items), queueTimes, _time.GetElapsedTime(start), false));
            for (int i = 0; i < live.Count; i++) live[i].Answer.TrySetResult(answers[i]);
        }
        catch (Exception e)
        {
            _report?.Invoke(new BatchReport(live.Count, live.Sum(p => p.Items), queueTimes, _time.GetElapsedTime(start), true));
            foreach (Pending p in live) p.Answer.TrySetException(e);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Unhold()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }
        held?.TrySetResult();
    }

    private sealed class Release(DynamicBatcher<TIn, TOut> batcher) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) batcher.Unhold();
        }
    }

    private sealed class Pending(TIn request, int items, long queued, CancellationToken token)
    {
        public TIn Request { get; } = request;
        public int Items { get; } = items;
        public long Queued { get; } = queued;
        public CancellationToken Token { get; } = token;
        public TaskCompletionSource<TOut> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Pending>? Node { get; set; }
        public CancellationTokenRegistration Registration { get; set; }
    }
}
