using Microsoft.Data.Sqlite;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

/// <summary>The store contract on SQLite, plus what only SQLite has (WAL mode).</summary>
public sealed class SqliteMetricStoreTests : MetricStoreContractTests
{
    protected override Task<ITestStoreHost> CreateHostAsync() => Task.FromResult<ITestStoreHost>(new SqliteStoreHost());

    [Fact]
    public async Task TheFileIsInWalMode()
    {
        await using (IMetricStore store = await OpenStoreAsync()) await store.AppendPointsAsync([Fixtures.Point("loss/train", 1, 0.5)]);
        using var connection = new SqliteConnection($"Data Source={((SqliteStoreHost)Host).Path}");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
