using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

public sealed class SqliteMetricStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MigrationsAreIdempotentAndTheFileIsInWalMode()
    {
        string path = _folder.File("m.db");
        await using (SqliteMetricStore store = await Fixtures.OpenStoreAsync(path))
        {
            await store.AppendPointsAsync([Fixtures.Point("loss/train", 1, 0.5)]);
            Assert.Equal(SqliteSchema.LatestVersion, await store.GetSchemaVersionAsync());
        }
        await using (SqliteMetricStore again = await Fixtures.OpenStoreAsync(path))
        {
            Assert.Equal(SqliteSchema.LatestVersion, await again.GetSchemaVersionAsync());
            Assert.Equal(1, await again.CountPointsAsync());
        }
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version";
        Assert.Equal((long)SqliteSchema.LatestVersion, command.ExecuteScalar());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task AnOlderDatabaseIsUpgradedInPlaceKeepingItsData()
    {
        string path = _folder.File("old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal(1, SqliteSchema.Migrate(connection, upTo: 1));
            using SqliteCommand insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ('old', 'old', 'completed', 'vigil', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')";
            insert.ExecuteNonQuery();
        }
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(path);
        Assert.Equal(SqliteSchema.LatestVersion, await store.GetSchemaVersionAsync());
        Assert.Equal("completed", (await store.GetRunAsync("old"))!.State);
        AlertRecord alert = await store.AddAlertAsync(new AlertRecord
        {
            RunId = "old", Time = Fixtures.T0, Condition = "RAO", Severity = "critical", Sensitivity = 0.9, Threshold = 0.99, Message = "m",
        });
        Assert.True(alert.Id > 0);
    }

    [Fact]
    public async Task RunsKeepConfigStateAndFinalMetrics()
    {
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(_folder.File("m.db"));
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
        Assert.Equal(0.93, a.FinalMetrics!.Value.GetProperty("auroc").GetDouble());
        Assert.Equal(Fixtures.T0, a.CreatedAt);
        Assert.Equal(["b", "a"], (await store.ListRunsAsync()).Select(r => r.Id));
        Assert.Null(await store.GetRunAsync("missing"));
    }

    [Fact]
    public async Task PointsOfAnUnknownRunCreateItAndExportInSeriesThenStepOrder()
    {
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(_folder.File("m.db"));
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
    public async Task EpochsAlertsAndEventsRoundTrip()
    {
        await using SqliteMetricStore store = await Fixtures.OpenStoreAsync(_folder.File("m.db"));
        await store.SaveEpochAsync(new EpochRecord("r", 2, Fixtures.T0, JsonDocument.Parse("""{"epoch":2,"confusion_matrix":[[1,0],[0,1]]}""").RootElement));
        await store.SaveEpochAsync(new EpochRecord("r", 1, Fixtures.T0, JsonDocument.Parse("""{"epoch":1}""").RootElement));
        await store.SaveEpochAsync(new EpochRecord("r", 1, Fixtures.T0, JsonDocument.Parse("""{"epoch":1,"replaced":true}""").RootElement));
        IReadOnlyList<EpochRecord> epochs = await store.ListEpochsAsync("r");
        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.True(epochs[0].Data.GetProperty("replaced").GetBoolean());
        Assert.Equal(1, epochs[1].Data.GetProperty("confusion_matrix")[1][1].GetInt32());

        foreach (string condition in new[] { "RAO", "RVO" })
            await store.AddAlertAsync(new AlertRecord { RunId = "r", Time = Fixtures.T0, Condition = condition, Severity = "warning", Sensitivity = 0.96, Threshold = 0.97, Epoch = 1, Message = condition });
        await store.AddAlertAsync(new AlertRecord { RunId = "other", Time = Fixtures.T0, Condition = "X", Severity = "critical", Sensitivity = 0.1, Threshold = 0.9, Message = "x" });
        Assert.Equal(["RVO", "RAO"], (await store.ListAlertsAsync("r", 10)).Select(a => a.Condition));
        Assert.Equal(3, (await store.ListAlertsAsync(null, 10)).Count);
        Assert.Single(await store.ListAlertsAsync(null, 1));

        await store.AppendEventAsync("r", 1, "run_started", Fixtures.T0, "{}");
        await store.AppendEventAsync("r", 1, "run_started", Fixtures.T0, "{}"); // a replayed event is ignored, not an error
    }
}
