using Npgsql;
using Vigil.Monitoring.Storage.Postgres;

namespace Vigil.Monitoring.Tests;

/// <summary>
/// A fresh, uniquely named database on the server <c>VIGIL_TEST_POSTGRES</c> names, dropped on dispose. Tests that
/// need PostgreSQL fail (never skip) without it. Also compiled into Vigil.Server.Tests.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    /// <summary>The variable with the server's URL; its role must be allowed to CREATE DATABASE.</summary>
    public const string Variable = "VIGIL_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string url)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        Url = url;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>A postgres:// URL of the database, as MONITORING_DB_PATH takes it.</summary>
    public string Url { get; }

    /// <summary>The server's URL from <see cref="Variable"/>.</summary>
    /// <exception cref="InvalidOperationException">The variable is not set: the message says how to set it.</exception>
    public static string ServerUrl() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url ? url : throw new InvalidOperationException(
            $"{Variable} is not set, so the PostgreSQL store tests cannot run: run ./test.sh, which starts PostgreSQL, or set VIGIL_TEST_POSTGRES " +
            "(e.g. after ./scripts/postgres.sh start: export VIGIL_TEST_POSTGRES=$(./scripts/postgres.sh url)) to a postgres:// URL whose role may CREATE DATABASE");

    /// <summary>Creates the database.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        string server = ServerUrl();
        var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionUrl.ToConnectionString(server)) { Pooling = false };
        string name = "vigil_test_" + Guid.NewGuid().ToString("N")[..20];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresTestDatabase(admin.ConnectionString, name, WithDatabase(server, name));
    }

    /// <summary>A connection to this database (not pooled), for checks beneath the store.</summary>
    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = Name }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Drops the database, ending any session still on it.</summary>
    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    // postgres://user:pass@host:port/db?query with the database replaced.
    private static string WithDatabase(string url, string database)
    {
        int question = url.IndexOf('?', StringComparison.Ordinal);
        string main = question >= 0 ? url[..question] : url, query = question >= 0 ? url[question..] : "";
        int authority = Math.Max(main.IndexOf("://", StringComparison.Ordinal) + 3, main.LastIndexOf('@') + 1);
        int slash = main.IndexOf('/', authority);
        return (slash >= 0 ? main[..slash] : main) + "/" + database + query;
    }
}
