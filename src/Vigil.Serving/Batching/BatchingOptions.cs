namespace Vigil.Serving.Batching;

/// <summary>
/// How a model's requests are batched, after Triton's dynamic batcher: requests waiting together run as one batch of at
/// most <see cref="MaxBatchSize"/> images, the first of them waiting at most <see cref="MaxQueueDelay"/> for others; at
/// most <see cref="MaxQueueSize"/> requests wait, and more are refused (503 with Retry-After).
/// </summary>
public sealed record BatchingOptions
{
    /// <summary>Images one batch holds at most (a single larger request still runs, alone).</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>
    /// How long the oldest waiting request may wait for others to join its batch. 0 by default, as in Triton: batches
    /// still form from the requests that queue while the previous batch runs, and a lone request does not wait for
    /// company that is not coming.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Requests that may wait; one more is refused.</summary>
    public int MaxQueueSize { get; init; } = 64;

    /// <summary>The defaults: batches of 8, no delay, 64 waiting requests.</summary>
    public static BatchingOptions Default { get; } = new();

    /// <summary>Throws for settings no batcher can use.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the delay negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueueSize, 1, nameof(MaxQueueSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueueDelay, TimeSpan.Zero, nameof(MaxQueueDelay));
    }
}

/// <summary>The batcher's queue is full: the request was not queued; the client should try again shortly.</summary>
public sealed class QueueFullException(int limit) : Exception($"the model's queue is full ({limit} requests waiting); try again shortly")
{
    /// <summary>The queue's bound.</summary>
    public int Limit { get; } = limit;
}

/// <summary>The batcher no longer takes requests (its model was replaced or unloaded).</summary>
public sealed class BatcherClosedException() : Exception("the model was unloaded while the request waited; send it again");
