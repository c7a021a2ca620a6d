using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Vigil.Monitoring.Storage;

/// <summary>
/// The SQLite store: one file in WAL mode, one long-lived write connection (writes are serialised; SQLite allows
/// one writer anyway) and pooled read connections, which WAL lets run beside the writer.
/// </summary>
/// <remarks>
/// Durability: <c>synchronous=NORMAL</c> in WAL mode writes each commit to the WAL file before the commit returns, and
/// syncs it to disk at checkpoints. A committed transaction therefore survives the process being killed (kill -9,
/// a crash) at any moment — the guarantee the ingestion API gives for acknowledged points. Only an operating-system
/// crash or power loss can lose the last commits; use a PostgreSQL store where that matters.
/// </remarks>
public sealed class SqliteMetricStore : IMetricStore
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteCommand? _insertPoint;
    private SqliteCommand? _upsertTile;
    // (run, series) → series id, filled after commits only so a rolled-back batch leaves no stale id behind.
    private readonly Dictionary<(string Run, string Series), long> _seriesIds = new();
    private bool _disposed;

    /// <summary>Opens (lazily, in <see cref="InitializeAsync"/>) the database file at <paramref name="path"/>, creating its folder.</summary>
    public SqliteMetricStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is not null) return;
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Pragma(connection, "PRAGMA journal_mode=WAL");
            Pragma(connection, "PRAGMA synchronous=NORMAL");
            SqliteSchema.Migrate(connection);
            _writer = connection;
            _insertPoint = connection.CreateCommand();
            _insertPoint.CommandText = "INSERT INTO points (series_id, step, value, wall_time) VALUES ($s, $step, $v, $t)";
            _insertPoint.Parameters.Add("$s", SqliteType.Integer);
            _insertPoint.Parameters.Add("$step", SqliteType.Integer);
            _insertPoint.Parameters.Add("$v", SqliteType.Real);
            _insertPoint.Parameters.Add("$t", SqliteType.Real);
            _upsertTile = TileAccumulator.CreateUpsert(connection);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        return SqliteSchema.CurrentVersion(connection);
    }

    /// <inheritdoc />
    public Task UpsertRunAsync(RunInfo run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync((connection, transaction) =>
        {
            using SqliteCommand command = Command(connection, transaction, """
                INSERT INTO runs (id, name, state, source, created_at, updated_at, config, hyperparameters, final_metrics)
                VALUES ($id, $name, $state, $source, $created, $updated, $config, $hyper, $final)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, source = excluded.source, updated_at = excluded.updated_at,
                    state = excluded.state,
                    config = COALESCE(excluded.config, runs.config),
                    hyperparameters = COALESCE(excluded.hyperparameters, runs.hyperparameters),
                    final_metrics = COALESCE(excluded.final_metrics, runs.final_metrics)
                """,
                ("$id", run.Id), ("$name", run.Name), ("$state", run.State), ("$source", run.Source),
                ("$created", Time(run.CreatedAt)), ("$updated", Time(run.UpdatedAt)),
                ("$config", Json(run.Config)), ("$hyper", Json(run.Hyperparameters)), ("$final", Json(run.FinalMetrics)));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetRunStateAsync(string runId, string state, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        return WriteAsync((connection, transaction) =>
        {
            EnsureRun(connection, transaction, runId, time);
            using SqliteCommand command = Command(connection, transaction,
                "UPDATE runs SET state = $state, updated_at = $t WHERE id = $id", ("$state", state), ("$t", Time(time)), ("$id", runId));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetFinalMetricsAsync(string runId, JsonElement metrics, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        string json = metrics.GetRawText();
        return WriteAsync((connection, transaction) =>
        {
            EnsureRun(connection, transaction, runId, time);
            using SqliteCommand command = Command(connection, transaction,
                "UPDATE runs SET final_metrics = $m, updated_at = $t WHERE id = $id", ("$m", json), ("$t", Time(time)), ("$id", runId));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RunInfo> runs = await ReadRunsAsync("WHERE id = $id", ("$id", runId), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(CancellationToken cancellationToken = default) =>
        ReadRunsAsync("", null, cancellationToken);

    /// <inheritdoc />
    public Task AppendPointsAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return Task.CompletedTask;
        return WriteAsync((connection, transaction) =>
        {
            var added = new Dictionary<(string, string), long>();
            var tiles = new TileAccumulator();
            SqliteCommand insert = _insertPoint!;
            insert.Transaction = transaction;
            SqliteParameterCollection p = insert.Parameters;
            foreach (MetricPoint point in points)
            {
                long seriesId = SeriesId(connection, transaction, point.RunId, point.Series, point.WallTime, added);
                p[0].Value = seriesId;
                p[1].Value = point.Step;
                // SQLite turns NaN into NULL anyway; saying so explicitly keeps the intent visible.
                p[2].Value = double.IsNaN(point.Value) ? DBNull.Value : point.Value;
                p[3].Value = point.WallTime.ToUnixTimeMilliseconds() / 1000.0;
                insert.ExecuteNonQuery();
                tiles.Add(seriesId, point.Step, point.Value);
            }
            tiles.Write(_upsertTile!, transaction);
            return added;
        }, added => { foreach (var pair in added) _seriesIds[pair.Key] = pair.Value; }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListSeriesAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null, "SELECT name FROM series WHERE run_id = $r ORDER BY name", ("$r", runId));
        var names = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesHistory>> QueryHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.MaxPoints, 1);
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        var wanted = new List<(string Name, long Id)>();
        using (SqliteCommand command = Command(connection, null, "SELECT name, id FROM series WHERE run_id = $r ORDER BY name", ("$r", query.RunId)))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
                if (query.Series.Count == 0 || query.Series.Contains(reader.GetString(0)))
                    wanted.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        // A read transaction gives every series of the answer the same snapshot.
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        var result = new List<SeriesHistory>(wanted.Count);
        foreach ((string name, long id) in wanted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(SqliteHistory.Downsample(connection, snapshot, name, id, query.FromStep ?? long.MinValue, query.ToStep ?? long.MaxValue, query.MaxPoints));
        }
        return result;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<MetricPoint> ReadPointsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
        using SqliteCommand command = Command(connection, snapshot, """
            SELECT s.name, p.step, p.value, p.wall_time FROM series s JOIN points p ON p.series_id = s.id
            WHERE s.run_id = $r ORDER BY s.name, p.step, p.rowid
            """, ("$r", runId));
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new MetricPoint(runId, reader.GetString(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2),
                DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble(3) * 1000)));
        }
    }

    /// <inheritdoc />
    public Task SaveEpochAsync(EpochRecord epoch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        string json = epoch.Data.GetRawText();
        return WriteAsync((connection, transaction) =>
        {
            EnsureRun(connection, transaction, epoch.RunId, epoch.Time);
            using SqliteCommand command = Command(connection, transaction,
                "INSERT OR REPLACE INTO epochs (run_id, epoch, time, data) VALUES ($r, $e, $t, $d)",
                ("$r", epoch.RunId), ("$e", epoch.Epoch), ("$t", Time(epoch.Time)), ("$d", json));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EpochRecord>> ListEpochsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null, "SELECT epoch, time, data FROM epochs WHERE run_id = $r ORDER BY epoch", ("$r", runId));
        var epochs = new List<EpochRecord>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
            epochs.Add(new EpochRecord(runId, reader.GetInt32(0), ParseTime(reader.GetString(1)), ParseJson(reader.GetString(2))));
        return epochs;
    }

    /// <inheritdoc />
    public Task<AlertRecord> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return WriteAsync((connection, transaction) =>
        {
            EnsureRun(connection, transaction, alert.RunId, alert.Time);
            using SqliteCommand command = Command(connection, transaction, """
                INSERT INTO alerts (run_id, time, condition, severity, sensitivity, threshold, epoch, message)
                VALUES ($r, $t, $c, $s, $sens, $th, $e, $m) RETURNING id
                """,
                ("$r", alert.RunId), ("$t", Time(alert.Time)), ("$c", alert.Condition), ("$s", alert.Severity),
                ("$sens", alert.Sensitivity), ("$th", alert.Threshold), ("$e", alert.Epoch), ("$m", alert.Message));
            return alert with { Id = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) };
        }, _ => { }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? runId, int limit, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null, """
            SELECT id, run_id, time, condition, severity, sensitivity, threshold, epoch, message FROM alerts
            WHERE $r IS NULL OR run_id = $r ORDER BY id DESC LIMIT $limit
            """, ("$r", runId), ("$limit", Math.Max(0, limit)));
        var alerts = new List<AlertRecord>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
            alerts.Add(new AlertRecord
            {
                Id = reader.GetInt64(0), RunId = reader.GetString(1), Time = ParseTime(reader.GetString(2)),
                Condition = reader.GetString(3), Severity = reader.GetString(4), Sensitivity = reader.GetDouble(5),
                Threshold = reader.GetDouble(6), Epoch = reader.IsDBNull(7) ? null : reader.GetInt32(7), Message = reader.GetString(8),
            });
        return alerts;
    }

    /// <inheritdoc />
    public Task AppendEventAsync(string runId, long sequence, string type, DateTimeOffset time, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return WriteAsync((connection, transaction) =>
        {
            using SqliteCommand command = Command(connection, transaction,
                "INSERT OR IGNORE INTO events (run_id, sequence, type, time, json) VALUES ($r, $s, $type, $t, $j)",
                ("$r", runId), ("$s", sequence), ("$type", type), ("$t", Time(time)), ("$j", json));
            command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> CountPointsAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        // MAX(rowid) is O(log n) where COUNT(*) scans; points are never deleted, so the two agree.
        using SqliteCommand command = Command(connection, null, "SELECT COALESCE(MAX(rowid), 0) FROM points");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Closes the write connection. Committed data is on disk (see the class remarks); nothing else is flushed.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _insertPoint?.Dispose();
            _upsertTile?.Dispose();
            if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private long SeriesId(SqliteConnection connection, SqliteTransaction transaction, string runId, string series, DateTimeOffset time, Dictionary<(string, string), long> added)
    {
        if (_seriesIds.TryGetValue((runId, series), out long id) || added.TryGetValue((runId, series), out id)) return id;
        EnsureRun(connection, transaction, runId, time);
        using (SqliteCommand insert = Command(connection, transaction,
            "INSERT INTO series (run_id, name) VALUES ($r, $n) ON CONFLICT DO NOTHING", ("$r", runId), ("$n", series)))
            insert.ExecuteNonQuery();
        using SqliteCommand select = Command(connection, transaction, "SELECT id FROM series WHERE run_id = $r AND name = $n", ("$r", runId), ("$n", series));
        id = Convert.ToInt64(select.ExecuteScalar(), CultureInfo.InvariantCulture);
        added[(runId, series)] = id;
        return id;
    }

    private static void EnsureRun(SqliteConnection connection, SqliteTransaction transaction, string runId, DateTimeOffset time)
    {
        using SqliteCommand command = Command(connection, transaction, """
            INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($id, $id, $state, 'external', $t, $t)
            ON CONFLICT (id) DO NOTHING
            """, ("$id", runId), ("$state", RunStates.Running), ("$t", Time(time)));
        command.ExecuteNonQuery();
    }

    private Task WriteAsync(Action<SqliteConnection, SqliteTransaction> write, CancellationToken cancellationToken) =>
        WriteAsync<bool>((connection, transaction) => { write(connection, transaction); return true; }, _ => { }, cancellationToken);

    // One transaction per call under the write gate; afterCommit runs only once the commit succeeded.
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, Action<T> afterCommit, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SqliteConnection connection = _writer ?? throw new InvalidOperationException("call InitializeAsync before using the store");
            using SqliteTransaction transaction = connection.BeginTransaction();
            T result = write(connection, transaction);
            transaction.Commit();
            afterCommit(result);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<IReadOnlyList<RunInfo>> ReadRunsAsync(string where, (string, object?)? parameter, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using SqliteCommand command = Command(connection, null,
            $"SELECT id, name, state, source, created_at, updated_at, config, hyperparameters, final_metrics FROM runs {where} ORDER BY created_at DESC, id");
        if (parameter is { } p) command.Parameters.AddWithValue(p.Item1, p.Item2 ?? DBNull.Value);
        var runs = new List<RunInfo>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
            runs.Add(new RunInfo
            {
                Id = reader.GetString(0), Name = reader.GetString(1), State = reader.GetString(2), Source = reader.GetString(3),
                CreatedAt = ParseTime(reader.GetString(4)), UpdatedAt = ParseTime(reader.GetString(5)),
                Config = reader.IsDBNull(6) ? null : ParseJson(reader.GetString(6)),
                Hyperparameters = reader.IsDBNull(7) ? null : ParseJson(reader.GetString(7)),
                FinalMetrics = reader.IsDBNull(8) ? null : ParseJson(reader.GetString(8)),
            });
        return runs;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string? Json(JsonElement? element) => element is { } e ? e.GetRawText() : null;

    private static JsonElement ParseJson(string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
