using Npgsql;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Storage.Postgres;

namespace Vigil.Monitoring.Tests;

/// <summary>Where a contract test's store lives: a temp SQLite file or a fresh PostgreSQL database.</summary>
public interface ITestStoreHost : IAsyncDisposable
{
    /// <summary>A new, initialised store on this host's database (several may be open at once).</summary>
    Task<IMetricStore> OpenStoreAsync();

    /// <summary>The schema version a migrated database reaches.</summary>
    int LatestSchemaVersion { get; }

    /// <summary>Rows in <c>schema_version</c>: one per migration applied.</summary>
    Task<long> SchemaVersionRowsAsync();

    /// <summary>Leaves the database at schema version 1 (as an old release made it) with one run in it.</summary>
    Task CreateVersionOneDatabaseAsync(string runId, string state);

    /// <summary>Runs one statement (SQL both stores accept) beneath the store; returns the rows it changed.</summary>
    Task<int> ExecuteAsync(string sql);
}

/// <summary>A SQLite file in a temp folder.</summary>
public sealed class SqliteStoreHost : ITestStoreHost
{
    private readonly TempFolder _folder = new();

    /// <summary>The database file.</summary>
    public string Path => _folder.File("m.db");

    public int LatestSchemaVersion => SqliteSchema.LatestVersion;

    public async Task<IMetricStore> OpenStoreAsync() => await Fixtures.OpenStoreAsync(Path);

    public Task<long> SchemaVersionRowsAsync()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version";
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    public Task CreateVersionOneDatabaseAsync(string runId, string state)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        Assert.Equal(1, SqliteSchema.Migrate(connection, upTo: 1));
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($id, $id, $state, 'vigil', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')";
        insert.Parameters.AddWithValue("$id", runId);
        insert.Parameters.AddWithValue("$state", state);
        insert.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<int> ExecuteAsync(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Task.FromResult(command.ExecuteNonQuery());
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fresh PostgreSQL database (<see cref="PostgresTestDatabase"/>), dropped with the host.</summary>
public sealed class PostgresStoreHost : ITestStoreHost
{
    private readonly List<IMetricStore> _opened = [];

    private PostgresStoreHost(PostgresTestDatabase database) => Database = database;

    /// <summary>The database.</summary>
    public PostgresTestDatabase Database { get; }

    public int LatestSchemaVersion => PostgresSchema.LatestVersion;

    public static async Task<PostgresStoreHost> CreateAsync() => new(await PostgresTestDatabase.CreateAsync());

    public async Task<IMetricStore> OpenStoreAsync()
    {
        var store = new PostgresMetricStore(Database.Url);
        await store.InitializeAsync();
        lock (_opened) _opened.Add(store);
        return store;
    }

    public async Task<long> SchemaVersionRowsAsync()
    {
        await using NpgsqlConnection connection = await Database.ConnectAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task CreateVersionOneDatabaseAsync(string runId, string state)
    {
        await using NpgsqlConnection connection = await Database.ConnectAsync();
        Assert.Equal(1, await PostgresSchema.MigrateAsync(connection, upTo: 1));
        await using var insert = new NpgsqlCommand(
            "INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($1, $1, $2, 'vigil', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = runId });
        insert.Parameters.Add(new NpgsqlParameter { Value = state });
        await insert.ExecuteNonQueryAsync();
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using NpgsqlConnection connection = await Database.ConnectAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Stores a test forgot (or meant to leave open, as a crash would) still release their pools before the drop.
        foreach (IMetricStore store in _opened) await store.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Base of the contract tests: each test gets its own host (a new file or database).</summary>
public abstract class StoreContractTestBase : IAsyncLifetime
{
    private ITestStoreHost? _host;

    /// <summary>This test's host.</summary>
    protected ITestStoreHost Host => _host ?? throw new InvalidOperationException("the host is created in InitializeAsync");

    /// <summary>Creates the host for one test.</summary>
    protected abstract Task<ITestStoreHost> CreateHostAsync();

    /// <summary>A new, initialised store on this test's database.</summary>
    protected Task<IMetricStore> OpenStoreAsync() => Host.OpenStoreAsync();

    public async Task InitializeAsync() => _host = await CreateHostAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
