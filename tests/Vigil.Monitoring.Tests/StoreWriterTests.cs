using Microsoft.Data.Sqlite;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

public sealed class StoreWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AcknowledgedPointsSurviveAProcessKill()
    {
        string path = _folder.File("m.db");
        SqliteMetricStore store = await Fixtures.OpenStoreAsync(path);
        var writer = new StoreWriter(store);
        for (int i = 0; i < 20; i++) await writer.AppendAsync(Fixtures.Ramp("run-1", "loss/train", 500, i * 500));

        // What kill -9 leaves behind is exactly the files as they are now: the writer and store are never disposed,
        // no checkpoint runs. Copy the database and its WAL and open the copy as a restarted server would.
        string crashed = _folder.File("crashed.db");
        File.Copy(path, crashed);
        File.Copy(path + "-wal", crashed + "-wal");
        Assert.True(new FileInfo(crashed + "-wal").Length > 0, "the points should still be in the WAL, not yet checkpointed");

        await using SqliteMetricStore restarted = await Fixtures.OpenStoreAsync(crashed);
        SeriesHistory history = (await restarted.QueryHistoryAsync(new HistoryQuery("run-1", ["loss/train"], null, null, 100_000)))[0];
        Assert.Equal(10_000, history.TotalPoints);
        Assert.Equal(9_999, history.Buckets[^1].LastStep);
        GC.KeepAlive(writer);
        GC.KeepAlive(store);
    }

    [Fact]
    public async Task OperationsKeepTheirPlaceAmongPoints()
    {
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(_folder.File("m.db"));
        await using var writer = new StoreWriter(store);
        long seenByOperation = -1;
        for (int i = 0; i < 1000; i++) Assert.True(writer.TryEnqueue(Fixtures.Point("s", i, i)));
        await writer.RunAsync(async (s, token) => seenByOperation = await s.CountPointsAsync(token));
        Assert.Equal(1000, seenByOperation);
        Assert.Equal(1000, writer.CommittedPoints);
    }

    // A failed write and the ingestion rate are part of the store contract: MetricStoreContractTests runs them on every store.

    [Fact]
    public async Task AFullQueueDropsFireAndForgetPointsInsteadOfBlocking()
    {
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(_folder.File("m.db"));
        await using var writer = new StoreWriter(store, new StoreWriterOptions { Capacity = 4 });
        var gate = new TaskCompletionSource();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Hold the loop inside an operation so the queue fills; wait until it is really inside (a fixed delay is not
        // enough on a loaded machine, and the operation would still be queued, taking a slot).
        Task held = writer.RunAsync(async (_, _) => { entered.SetResult(); await gate.Task; });
        try
        {
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            // Done while the loop is still held: an enqueue that waited for room would never return (bounded here).
            int accepted = await Task.Run(() => Enumerable.Range(0, 100).Count(i => writer.TryEnqueue(Fixtures.Point("s", i, i))))
                .WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(4, accepted);
            Assert.Equal(96, writer.Dropped);
        }
        finally
        {
            // Always release the loop: a failed assertion must fail the test, not hang the writer's disposal.
            gate.TrySetResult();
        }
        await held;
        await writer.FlushAsync();
        Assert.Equal(4, await store.CountPointsAsync());
    }
}
