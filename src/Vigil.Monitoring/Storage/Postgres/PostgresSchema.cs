using Npgsql;

namespace Vigil.Monitoring.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema as an ordered list of migrations, versioned as the SQLite one is (<c>schema_version</c>, one
/// transaction per migration, append only). An advisory lock serialises servers that open the same database at once.
/// Tables live in the connection's search path (<c>public</c> unless the URL says <c>?search_path=</c>).
/// </summary>
internal static class PostgresSchema
{
    // Any fixed number: the transaction-scoped advisory lock that makes one migrator wait for another.
    private const long MigrationLock = 0x5669_6769_6C00;

    /// <summary>Migration <c>i</c> brings the schema from version <c>i</c> to <c>i + 1</c>. The same versions as SQLite's.</summary>
    public static IReadOnlyList<string[]> Migrations { get; } =
    [
        // 1: runs, series, points, tiles, epochs.
        [
            // json (not jsonb) keeps a document's text, key order included, as it was sent.
            """
            CREATE TABLE runs (
                id text PRIMARY KEY, name text NOT NULL, state text NOT NULL, source text NOT NULL,
                created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
                config json, hyperparameters json, final_metrics json)
            """,
            "CREATE TABLE series (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id text NOT NULL, name text NOT NULL, UNIQUE (run_id, name))",
            // id is insertion order (no sequence cache, so it grows across connections too): "last" at a repeated step
            // is the highest id, as SQLite's rowid. NaN is stored as NULL, as in SQLite, so MIN/MAX skip it.
            """
            CREATE TABLE points (
                id bigint GENERATED ALWAYS AS IDENTITY, series_id bigint NOT NULL, step bigint NOT NULL,
                value double precision, wall_time timestamptz NOT NULL)
            """,
            // Range scans by step, the "last value at this step" lookup, and MIN/MAX(step) all use this index.
            "CREATE INDEX points_by_series_step ON points (series_id, step, id) INCLUDE (value)",
            """
            CREATE TABLE tiles (
                series_id bigint NOT NULL, tile bigint NOT NULL, min_value double precision, max_value double precision,
                count bigint NOT NULL, first_step bigint NOT NULL, last_step bigint NOT NULL, last_value double precision,
                PRIMARY KEY (series_id, tile))
            """,
            "CREATE TABLE epochs (run_id text NOT NULL, epoch integer NOT NULL, time timestamptz NOT NULL, data json NOT NULL, PRIMARY KEY (run_id, epoch))",
        ],
        // 2: alerts and the event log.
        [
            """
            CREATE TABLE alerts (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id text NOT NULL, time timestamptz NOT NULL,
                condition text NOT NULL, severity text NOT NULL, sensitivity double precision NOT NULL,
                threshold double precision NOT NULL, epoch integer, message text NOT NULL)
            """,
            "CREATE INDEX alerts_by_run ON alerts (run_id, id)",
            "CREATE TABLE events (run_id text NOT NULL, sequence bigint NOT NULL, type text NOT NULL, time timestamptz NOT NULL, json text NOT NULL, PRIMARY KEY (run_id, sequence))",
        ],
    ];

    /// <summary>The version a fully migrated database is at.</summary>
    public static int LatestVersion => Migrations.Count;

    /// <summary>Applies the migrations the database lacks; returns the version it ends at.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, int upTo = int.MaxValue, CancellationToken cancellationToken = default)
    {
        int target = Math.Min(upTo, LatestVersion);
        while (true)
        {
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
            // Under the lock: another server may have migrated while this one waited.
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL)", cancellationToken).ConfigureAwait(false);
            int version = await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (version >= target)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return version;
            }
            foreach (string statement in Migrations[version])
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO schema_version (version, applied_at) VALUES ({version + 1}, now())", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The version recorded in <c>schema_version</c> (0 for a new database).</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
