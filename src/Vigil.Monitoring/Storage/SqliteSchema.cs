using Microsoft.Data.Sqlite;

namespace Vigil.Monitoring.Storage;

/// <summary>
/// The SQLite schema as an ordered list of migrations. A database records the last one applied in
/// <c>schema_version</c>; opening applies the rest, each in its own transaction, so an old file upgrades in place
/// and a current one is left alone. Append migrations; never edit one that has shipped.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Migration <c>i</c> brings the schema from version <c>i</c> to <c>i + 1</c>.</summary>
    public static IReadOnlyList<string[]> Migrations { get; } =
    [
        // 1: runs, series, points, tiles, epochs.
        [
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL, source TEXT NOT NULL,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                config TEXT, hyperparameters TEXT, final_metrics TEXT)
            """,
            // Series names are stored once; points carry a small integer, which keeps the hot table and its index compact.
            "CREATE TABLE series (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (run_id, name))",
            "CREATE TABLE points (series_id INTEGER NOT NULL, step INTEGER NOT NULL, value REAL, wall_time REAL NOT NULL)",
            // Covers history queries (range by step, min/max/last of value) without touching the table.
            "CREATE INDEX points_by_series_step ON points (series_id, step, value)",
            // Per-series summaries of fixed step ranges (tiles of TileAccumulator.Width steps), kept up to date on
            // insert: a query over millions of points reads thousands of tiles instead (see SqliteHistory).
            """
            CREATE TABLE tiles (
                series_id INTEGER NOT NULL, tile INTEGER NOT NULL, min_value REAL, max_value REAL, count INTEGER NOT NULL,
                first_step INTEGER NOT NULL, last_step INTEGER NOT NULL, last_value REAL,
                PRIMARY KEY (series_id, tile)) WITHOUT ROWID
            """,
            "CREATE TABLE epochs (run_id TEXT NOT NULL, epoch INTEGER NOT NULL, time TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, epoch)) WITHOUT ROWID",
        ],
        // 2: alerts and the event log.
        [
            """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, time TEXT NOT NULL, condition TEXT NOT NULL,
                severity TEXT NOT NULL, sensitivity REAL NOT NULL, threshold REAL NOT NULL, epoch INTEGER, message TEXT NOT NULL)
            """,
            "CREATE INDEX alerts_by_run ON alerts (run_id, id)",
            "CREATE TABLE events (run_id TEXT NOT NULL, sequence INTEGER NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (run_id, sequence)) WITHOUT ROWID",
        ],
    ];

    /// <summary>The version a fully migrated database is at.</summary>
    public static int LatestVersion => Migrations.Count;

    /// <summary>Applies the migrations <paramref name="connection"/>'s database lacks; returns the version it ends at.</summary>
    public static int Migrate(SqliteConnection connection, int upTo = int.MaxValue)
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
        int version = CurrentVersion(connection);
        int target = Math.Min(upTo, LatestVersion);
        while (version < target)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            // Re-read inside the transaction: another process may have migrated between the check and the lock.
            version = CurrentVersion(connection, transaction);
            if (version >= target) break;
            foreach (string statement in Migrations[version]) Execute(connection, transaction, statement);
            Execute(connection, transaction, "INSERT INTO schema_version (version, applied_at) VALUES ($v, $t)",
                ("$v", version + 1), ("$t", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
            transaction.Commit();
            version++;
        }
        return version;
    }

    /// <summary>The version recorded in <c>schema_version</c> (0 for a new database).</summary>
    public static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
