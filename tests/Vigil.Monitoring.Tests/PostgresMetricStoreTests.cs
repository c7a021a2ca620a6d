using Npgsql;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Storage.Postgres;

namespace Vigil.Monitoring.Tests;

/// <summary>The store contract on PostgreSQL (a fresh database per test), plus what only a server store has.</summary>
public sealed class PostgresMetricStoreTests : MetricStoreContractTests
{
    protected override async Task<ITestStoreHost> CreateHostAsync() => await PostgresStoreHost.CreateAsync();

    private PostgresTestDatabase Database => ((PostgresStoreHost)Host).Database;

    [Fact]
    public async Task TheFactoryOpensPostgresForAPostgresUrl()
    {
        await using IMetricStore store = MetricStores.Create(new Configuration.MonitoringOptions { DbPath = Database.Url });
        PostgresMetricStore postgres = Assert.IsType<PostgresMetricStore>(store);
        await postgres.InitializeAsync();
        Assert.Equal(PostgresSchema.LatestVersion, await postgres.GetSchemaVersionAsync());
        Assert.DoesNotContain(":vigil@", postgres.DisplayUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServersOpeningOneDatabaseAtOnceMigrateItOnce()
    {
        IMetricStore[] stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenStoreAsync()));
        Assert.Equal(PostgresSchema.LatestVersion, await Host.SchemaVersionRowsAsync());
        // Each sees the others' writes: they share the database, not a copy.
        for (int i = 0; i < stores.Length; i++) await stores[i].AppendPointsAsync([Fixtures.Point("s", i, i)]);
        Assert.Equal(4, await stores[0].CountPointsAsync());
        foreach (IMetricStore store in stores) await store.DisposeAsync();
    }

    [Fact]
    public async Task AWrongPasswordFailsWithAMessageThatDoesNotShowIt()
    {
        string url = Database.Url;
        int colon = url.IndexOf(':', "postgres://".Length), at = url.LastIndexOf('@');
        Assert.True(colon > 0 && colon < at, "VIGIL_TEST_POSTGRES should carry user:password");
        string wrong = url[..colon] + ":Wr0ng-s3cret" + url[at..];
        await using var store = new PostgresMetricStore(wrong);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());
        Assert.Contains("28P01", e.Message); // invalid_password
        Assert.Contains(":***@", e.Message);
        Assert.DoesNotContain("Wr0ng-s3cret", e.ToString());
    }

    [Fact]
    public async Task PointsUseTheCopyPathAndTilesAgreeWithThePoints()
    {
        await using IMetricStore store = await OpenStoreAsync();
        await store.AppendPointsAsync(Fixtures.Ramp("run-1", "loss/train", 10_000));
        await store.AppendPointsAsync([Fixtures.Point("loss/train", 5, double.NaN)]);
        await using NpgsqlConnection connection = await Database.ConnectAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT COUNT(*) FROM points), (SELECT COUNT(*) FROM points WHERE value IS NULL),
                   (SELECT SUM(count)::bigint FROM tiles), (SELECT COUNT(*) FROM tiles)
            """, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((10_001L, 1L, 10_001L, 10_000L / 64 + 1), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
    }
}
