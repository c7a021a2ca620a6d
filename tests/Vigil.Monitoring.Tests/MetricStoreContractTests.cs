using System.Text.Json;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

/// <summary>
/// What every <see cref="IMetricStore"/> must do, run against each store by a subclass (SQLite, PostgreSQL):
/// migrations, run upserts, bare runs, point order, epochs, alerts, events, concurrency, ingestion rate.
/// </summary>
public abstract class MetricStoreContractTests : StoreContractTestBase
{
    [Fact]
    public async Task MigrationsAreIdempotent()
    {
        await using (IMetricStore store = await OpenStoreAsync())
        {
            await store.AppendPointsAsync([Fixtures.Point("loss/train", 1, 0.5)]);
            Assert.Equal(Host.LatestSchemaVersion, await store.GetSchemaVersionAsync());
        }
        await using (IMetricStore again = await OpenStoreAsync())
        {
            Assert.Equal(Host.LatestSchemaVersion, await again.GetSchemaVersionAsync());
            Assert.Equal(1, await again.CountPointsAsync());
        }
        Assert.Equal(Host.LatestSchemaVersion, await Host.SchemaVersionRowsAsync());
    }

    [Fact]
    public async Task AnOlderDatabaseIsUpgradedInPlaceKeepingItsData()
    {
        await Host.CreateVersionOneDatabaseAsync("old", RunStates.Completed);
        await using IMetricStore store = await OpenStoreAsync();
        Assert.Equal(Host.LatestSchemaVersion, await store.GetSchemaVersionAsync());
        Assert.Equal(RunStates.Completed, (await store.GetRunAsync("old"))!.State);
        AlertRecord alert = await store.AddAlertAsync(new AlertRecord
        {
            RunId = "old", Time = Fixtures.T0, Condition = "RAO", Severity = "critical", Sensitivity = 0.9, Threshold = 0.99, Message = "m",
        });
        Assert.True(alert.Id > 0);
    }

    [Fact]
    public async Task RunsKeepConfigStateAndFinalMetrics()
    {
        await using IMetricStore store = await OpenStoreAsync();
        JsonElement config = JsonDocument.Parse("""{"dataset":"retina","epochs":3}""").RootElement;
        await store.UpsertRunAsync(new RunInfo { Id = "a", Name = "first", CreatedAt = Fixtures.T0, UpdatedAt = Fixtures.T0, Config = config, State = "running" });
        await store.UpsertRunAsync(new RunInfo { Id = "b", Name = "second", CreatedAt = Fixtures.T0.AddHours(1), UpdatedAt = Fixtures.T0.AddHours(1) });
        await store.SetRunStateAsync("a", RunStates.Completed, Fixtures.T0.AddMinutes(5));
        await store.SetFinalMetricsAsync("a", JsonDocument.Parse("""{"auroc":0.93}""").RootElement, Fixtures.T0.AddMinutes(6));
        // Upserting again without config keeps the stored config.
        await store.UpsertRunAsync(new RunInfo { Id = "a", Name = "renamed", State = RunStates.Completed, CreatedAt = Fixtures.T0, UpdatedAt = Fixtures.T0.AddMinutes(7) });

        RunInfo a = (await store.GetRunAsync("a"))!;
        Assert.Equal("renamed", a.Name);
        Assert.Equal(RunStates.Completed, a.State);
        Assert.Equal(3, a.Config!.Value.GetProperty("epochs").GetInt32());
        Assert.Equal("""{"dataset":"retina","epochs":3}""", a.Config.Value.GetRawText());
        Assert.Equal(0.93, a.FinalMetrics!.Value.GetProperty("auroc").GetDouble());
        Assert.Equal(Fixtures.T0, a.CreatedAt);
        Assert.Equal(Fixtures.T0.AddMinutes(7), a.UpdatedAt);
        Assert.Equal(["b", "a"], (await store.ListRunsAsync()).Select(r => r.Id));
        Assert.Null(await store.GetRunAsync("missing"));
    }

    [Fact]
    public async Task StateAndFinalMetricsOfAnUnknownRunCreateItBare()
    {
        await using IMetricStore store = await OpenStoreAsync();
        await store.SetRunStateAsync("s", RunStates.Paused, Fixtures.T0);
        await store.SetFinalMetricsAsync("f", JsonDocument.Parse("""{"auroc":0.5}""").RootElement, Fixtures.T0.AddSeconds(1));
        RunInfo s = (await store.GetRunAsync("s"))!, f = (await store.GetRunAsync("f"))!;
        Assert.Equal((RunStates.Paused, "external", "s", Fixtures.T0), (s.State, s.Source, s.Name, s.CreatedAt));
        Assert.Equal((RunStates.Running, 0.5), (f.State, f.FinalMetrics!.Value.GetProperty("auroc").GetDouble()));
    }

    [Fact]
    public async Task PointsOfAnUnknownRunCreateItAndExportInSeriesThenStepOrder()
    {
        await using IMetricStore store = await OpenStoreAsync();
        await store.AppendPointsAsync([Fixtures.Point("loss/train", 2, 0.4, "ext"), Fixtures.Point("accuracy/train", 1, 0.7, "ext"), Fixtures.Point("loss/train", 1, double.NaN, "ext")]);
        Assert.Equal(RunStates.Running, (await store.GetRunAsync("ext"))!.State);
        Assert.Equal(["accuracy/train", "loss/train"], await store.ListSeriesAsync("ext"));
        var points = new List<MetricPoint>();
        await foreach (MetricPoint p in store.ReadPointsAsync("ext")) points.Add(p);
        Assert.Equal([("accuracy/train", 1L), ("loss/train", 1L), ("loss/train", 2L)], points.Select(p => (p.Series, p.Step)));
        Assert.True(double.IsNaN(points[1].Value));
        Assert.Equal(Fixtures.T0.AddSeconds(2), points[2].WallTime);
    }

    [Fact]
    public async Task SeriesSortByteWiseAndInfinitiesRoundTrip()
    {
        await using IMetricStore store = await OpenStoreAsync();
        string[] names = ["loss_val", "a", "B", "loss/val", "Zeta", "é"];
        await store.AppendPointsAsync(names.Select((n, i) => Fixtures.Point(n, i, i % 2 == 0 ? double.PositiveInfinity : double.NegativeInfinity)).ToArray());
        string[] ordinal = names.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ordinal, await store.ListSeriesAsync("run-1"));
        var points = new List<MetricPoint>();
        await foreach (MetricPoint p in store.ReadPointsAsync("run-1")) points.Add(p);
        Assert.Equal(ordinal, points.Select(p => p.Series));
        Assert.Equal(double.PositiveInfinity, points.Single(p => p.Series == "loss_val").Value);
        Assert.Equal(double.NegativeInfinity, points.Single(p => p.Series == "a").Value);
        Assert.Equal(6, await store.CountPointsAsync());
    }

    [Fact]
    public async Task EpochsAlertsAndEventsRoundTrip()
    {
        await using IMetricStore store = await OpenStoreAsync();
        await store.SaveEpochAsync(new EpochRecord("r", 2, Fixtures.T0, JsonDocument.Parse("""{"epoch":2,"confusion_matrix":[[1,0],[0,1]]}""").RootElement));
        await store.SaveEpochAsync(new EpochRecord("r", 1, Fixtures.T0, JsonDocument.Parse("""{"epoch":1}""").RootElement));
        await store.SaveEpochAsync(new EpochRecord("r", 1, Fixtures.T0, JsonDocument.Parse("""{"epoch":1,"replaced":true}""").RootElement));
        IReadOnlyList<EpochRecord> epochs = await store.ListEpochsAsync("r");
        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.True(epochs[0].Data.GetProperty("replaced").GetBoolean());
        Assert.Equal(1, epochs[1].Data.GetProperty("confusion_matrix")[1][1].GetInt32());
        Assert.Equal(RunStates.Running, (await store.GetRunAsync("r"))!.State); // an epoch of an unknown run creates it bare

        foreach (string condition in new[] { "RAO", "RVO" })
            await store.AddAlertAsync(new AlertRecord { RunId = "r", Time = Fixtures.T0, Condition = condition, Severity = "warning", Sensitivity = 0.96, Threshold = 0.97, Epoch = 1, Message = condition });
        await store.AddAlertAsync(new AlertRecord { RunId = "other", Time = Fixtures.T0, Condition = "X", Severity = "critical", Sensitivity = 0.1, Threshold = 0.9, Message = "x" });
        IReadOnlyList<AlertRecord> alerts = await store.ListAlertsAsync("r", 10);
        Assert.Equal(["RVO", "RAO"], alerts.Select(a => a.Condition));
        Assert.Equal((1, 0.96, 0.97, Fixtures.T0), (alerts[0].Epoch, alerts[0].Sensitivity, alerts[0].Threshold, alerts[0].Time));
        IReadOnlyList<AlertRecord> all = await store.ListAlertsAsync(null, 10);
        Assert.Equal(3, all.Count);
        Assert.Null(all[0].Epoch);
        Assert.Single(await store.ListAlertsAsync(null, 1));
        Assert.NotNull(await store.GetRunAsync("other"));

        await store.AppendEventAsync("r", 1, "run_started", Fixtures.T0, "{}");
        await store.AppendEventAsync("r", 1, "run_started", Fixtures.T0, "{}"); // a replayed event is ignored, not an error
    }

    [Fact]
    public async Task ConcurrentWritersCreatingTheSameSeriesLoseNothing()
    {
        await using IMetricStore store = await OpenStoreAsync();
        // Eight writers at once, each touching the same new runs and series in a different order.
        string[] series = ["a", "b", "c", "d"];
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, ct) =>
        {
            var points = new List<MetricPoint>();
            for (int i = 0; i < 400; i++)
                points.Add(Fixtures.Point(series[(i + w) % series.Length], w * 1000 + i, i, run: $"run-{(i + w) % 3}"));
            await store.AppendPointsAsync(points, ct);
        });
        Assert.Equal(8 * 400, await store.CountPointsAsync());
        foreach (int run in new[] { 0, 1, 2 })
            Assert.Equal(series, await store.ListSeriesAsync($"run-{run}"));
        long total = 0;
        foreach (int run in new[] { 0, 1, 2 })
            total += (await store.QueryHistoryAsync(new HistoryQuery($"run-{run}", [], null, null, 10))).Sum(s => s.TotalPoints);
        Assert.Equal(8 * 400, total);
    }

    [Fact]
    public async Task AFailedWriteFailsItsAcknowledgementAndTheLoopGoesOn()
    {
        IMetricStore store = await OpenStoreAsync();
        var writer = new StoreWriter(store);
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.AppendAsync([Fixtures.Point("s", 1, 1)]));
        Assert.Equal(1, writer.Failed);
        await writer.FlushAsync(); // still serving
        await writer.DisposeAsync();
        Assert.False(writer.TryEnqueue(Fixtures.Point("s", 2, 2)));
    }

    [Fact]
    public async Task ConcurrentAcknowledgedBatchesAreAllStored()
    {
        // How fast is the monitor-ingest benchmark's figure; here, that every acknowledged point is there.
        await using IMetricStore store = await OpenStoreAsync();
        await using var writer = new StoreWriter(store);
        const int batches = 200, perBatch = 1000; // 200k points, posted as the ingestion API receives them
        string[] series = ["loss/train", "accuracy/train", "learning_rate", "throughput"];
        // Eight concurrent posters, as several trainers or a pipelined client would send.
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, token) =>
            await writer.AppendAsync(Fixtures.Ramp("run-1", series[b % series.Length], perBatch, b * perBatch), token));
        Assert.Equal(batches * perBatch, await store.CountPointsAsync());
        Assert.Equal(batches * perBatch, writer.CommittedPoints);
    }
}
