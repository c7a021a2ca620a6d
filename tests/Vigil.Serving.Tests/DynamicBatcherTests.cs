using Vigil.Monitoring.Tests;
using Vigil.Serving.Batching;

namespace Vigil.Serving.Tests;

/// <summary>
/// The batcher alone, on a clock the test moves: requests that wait together run together up to the batch size, the
/// oldest waits at most the queue delay, the queue is bounded, and a cancelled request leaves.
/// </summary>
public class DynamicBatcherTests
{
    private sealed class Recorder
    {
        public List<int[]> Batches { get; } = [];

        public IReadOnlyList<int> Run(IReadOnlyList<int> requests, CancellationToken token)
        {
            lock (Batches) Batches.Add(requests.ToArray());
            return requests.Select(r => r * 10).ToList();
        }
    }

    [Fact]
    public async Task Waiting_requests_run_together_up_to_the_batch_size()
    {
        var recorder = new Recorder();
        await using var batcher = new DynamicBatcher<int, int>(recorder.Run, new BatchingOptions { MaxBatchSize = 3, MaxQueueDelay = TimeSpan.Zero });
        Task<int>[] answers;
        using (batcher.Hold())
            answers = Enumerable.Range(1, 5).Select(i => batcher.EnqueueAsync(i, 1)).ToArray();

        Assert.Equal(new[] { 10, 20, 30, 40, 50 }, await Task.WhenAll(answers));
        Assert.Equal([[1, 2, 3], [4, 5]], recorder.Batches);
    }

    [Fact]
    public async Task The_oldest_request_waits_the_queue_delay_for_others_and_no_longer()
    {
        var clock = new ManualClock();
        var recorder = new Recorder();
        await using var batcher = new DynamicBatcher<int, int>(recorder.Run, new BatchingOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.FromMilliseconds(10) }, clock);

        Task<int> first = batcher.EnqueueAsync(1, 1);
        await clock.WhenTimersAsync(); // the worker waits for company
        clock.Advance(TimeSpan.FromMilliseconds(6));
        Task<int> second = batcher.EnqueueAsync(2, 2); // joins within the delay
        await InferenceHost.Until(() => batcher.Waiting == 0 && clock.ActiveTimers == 1, "the second request joined the forming batch");
        Assert.False(first.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(4)); // 10 ms after the first arrived
        Assert.Equal(new[] { 10, 20 }, await Task.WhenAll(first, second));
        Assert.Equal([[1, 2]], recorder.Batches);

        // A batch that is full does not wait.
        Task<int>[] full;
        using (batcher.Hold()) full = [batcher.EnqueueAsync(3, 2), batcher.EnqueueAsync(4, 2)];
        Assert.Equal(new[] { 30, 40 }, await Task.WhenAll(full));
        Assert.Equal([3, 4], recorder.Batches[^1]);
    }

    [Fact]
    public async Task A_full_queue_refuses_and_a_cancelled_request_leaves_it()
    {
        var recorder = new Recorder();
        await using var batcher = new DynamicBatcher<int, int>(recorder.Run, new BatchingOptions { MaxBatchSize = 8, MaxQueueSize = 2, MaxQueueDelay = TimeSpan.Zero });
        using var cancel = new CancellationTokenSource();
        Task<int> kept, cancelled;
        using (batcher.Hold())
        {
            kept = batcher.EnqueueAsync(1, 1);
            cancelled = batcher.EnqueueAsync(2, 1, cancel.Token);
            var full = Assert.Throws<QueueFullException>(() => { _ = batcher.EnqueueAsync(3, 1); });
            Assert.Contains("2 requests waiting", full.Message);

            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            Assert.Equal(1, batcher.Waiting); // its place is free again
            Task<int> another = batcher.EnqueueAsync(4, 1);
            Assert.Equal(2, batcher.Waiting);
            _ = another;
        }
        Assert.Equal(10, await kept);
        await InferenceHost.Until(() => recorder.Batches.Count == 1, "one batch ran");
        Assert.Equal([1, 4], recorder.Batches.Single()); // the cancelled request never ran
    }

    [Fact]
    public async Task A_failing_batch_fails_its_requests_and_the_next_batch_runs()
    {
        int calls = 0;
        await using var batcher = new DynamicBatcher<int, int>((requests, _) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : requests.ToList(),
            new BatchingOptions { MaxQueueDelay = TimeSpan.Zero });
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.EnqueueAsync(1, 1));
        Assert.Equal(2, await batcher.EnqueueAsync(2, 1));
        await batcher.CloseAsync();
        Assert.Throws<BatcherClosedException>(() => { _ = batcher.EnqueueAsync(3, 1); });
    }
}
