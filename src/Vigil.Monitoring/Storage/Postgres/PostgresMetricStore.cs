using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Vigil.Monitoring.Storage.Postgres;

/// <summary>
/// The PostgreSQL store, for a monitoring server shared by several machines or one whose data must survive the
/// machine: the SQLite store's contract and schema versions, over a pooled <see cref="NpgsqlDataSource"/>.
/// </summary>
/// <remarks>
/// Durability: each call is one transaction, committed before its task completes; with PostgreSQL's defaults
/// (<c>synchronous_commit=on</c>) a commit is flushed to the WAL on disk first, so an acknowledged write survives
/// the server process, the database server and the machine crashing. Writes are not serialised here (PostgreSQL
/// locks rows): batches lock series and tiles in sorted order, and a deadlock or serialisation failure is retried.
/// Points are appended with binary COPY; history is grouped by the database (see <see cref="PostgresHistory"/>).
/// One caveat: when two connections write the same step of the same series at once, a bucket's "last" may come
/// from either (tiles follow commit order, raw points insertion order); one server's writer never does that.
/// </remarks>
public sealed class PostgresMetricStore : IMetricStore
{
    private const int Attempts = 3;
    private readonly NpgsqlDataSource _dataSource;
    // (run, series) → series id, filled after commits only so a rolled-back batch leaves no stale id behind.
    private readonly ConcurrentDictionary<(string Run, string Series), long> _seriesIds = new();
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Prepares (without connecting) a store on the database <paramref name="url"/> names.</summary>
    /// <param name="url"><c>postgres://user:password@host:port/database?…</c> (see <see cref="PostgresConnectionUrl"/>).</param>
    /// <exception cref="Configuration.MonitoringOptionsException">The URL is malformed (the message has no password).</exception>
    public PostgresMetricStore(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var connection = new NpgsqlConnectionStringBuilder(PostgresConnectionUrl.ToConnectionString(url));
        // History queries are short index walks with large cost estimates; JIT compiling them more than doubled
        // their time in measurements. The URL's own options come after, so ?options=-c%20jit%3Don still wins.
        connection.Options = ("-c jit=off " + connection.Options).Trim();
        DisplayUrl = PostgresConnectionUrl.Redact(url);
        _dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
    }

    /// <summary>The URL with its password replaced by <c>***</c>, for messages.</summary>
    public string DisplayUrl { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The server cannot be reached or refuses the login; the message names the redacted URL.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.MigrateAsync(connection, cancellationToken: cancellationToken).ConfigureAwait(false);
        _initialized = true;
    }

    /// <inheritdoc />
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresSchema.CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task UpsertRunAsync(RunInfo run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ExecuteAsync("""
            INSERT INTO runs (id, name, state, source, created_at, updated_at, config, hyperparameters, final_metrics)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, source = excluded.source, updated_at = excluded.updated_at, state = excluded.state,
                config = COALESCE(excluded.config, runs.config),
                hyperparameters = COALESCE(excluded.hyperparameters, runs.hyperparameters),
                final_metrics = COALESCE(excluded.final_metrics, runs.final_metrics)
            """, cancellationToken,
            run.Id, run.Name, run.State, run.Source, run.CreatedAt.ToUniversalTime(), run.UpdatedAt.ToUniversalTime(),
            Json(run.Config), Json(run.Hyperparameters), Json(run.FinalMetrics));
    }

    /// <inheritdoc />
    public Task SetRunStateAsync(string runId, string state, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        // A bare run is created in the same statement when the id is unknown.
        return ExecuteAsync("""
            INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($1, $1, $2, 'external', $3, $3)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """, cancellationToken, runId, state, time.ToUniversalTime());
    }

    /// <inheritdoc />
    public Task SetFinalMetricsAsync(string runId, JsonElement metrics, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return ExecuteAsync("""
            INSERT INTO runs (id, name, state, source, created_at, updated_at, final_metrics) VALUES ($1, $1, $2, 'external', $3, $3, $4)
            ON CONFLICT (id) DO UPDATE SET final_metrics = excluded.final_metrics, updated_at = excluded.updated_at
            """, cancellationToken, runId, RunStates.Running, time.ToUniversalTime(), Json(metrics));
    }

    /// <inheritdoc />
    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RunInfo> runs = await ReadRunsAsync("WHERE id = $1", runId, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(CancellationToken cancellationToken = default) => ReadRunsAsync("", null, cancellationToken);

    /// <inheritdoc />
    public async Task AppendPointsAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) return;
        Dictionary<(string, string), long> added = await WriteAsync((connection, transaction, ct) =>
            PostgresPoints.AppendAsync(connection, transaction, points, key => _seriesIds.TryGetValue(key, out long id) ? id : null, ct), cancellationToken).ConfigureAwait(false);
        foreach (var pair in added) _seriesIds[pair.Key] = pair.Value;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListSeriesAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await SeriesOfAsync(connection, runId, cancellationToken).ConfigureAwait(false)).Select(s => s.Name).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesHistory>> QueryHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.MaxPoints, 1);
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for every series of the answer.
        await using NpgsqlTransaction snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var result = new List<SeriesHistory>();
        foreach ((string name, long id) in await SeriesOfAsync(connection, query.RunId, cancellationToken).ConfigureAwait(false))
        {
            if (query.Series.Count > 0 && !query.Series.Contains(name)) continue;
            result.Add(await PostgresHistory.DownsampleAsync(connection, name, id, query.FromStep ?? long.MinValue, query.ToStep ?? long.MaxValue,
                query.MaxPoints, cancellationToken).ConfigureAwait(false));
        }
        return result;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<MetricPoint> ReadPointsAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        // Series by series, each an ordered index scan: rows stream from the socket as they are read, with no sort.
        foreach ((string name, long id) in await SeriesOfAsync(connection, runId, cancellationToken).ConfigureAwait(false))
        {
            await using var command = new NpgsqlCommand("SELECT step, value, wall_time FROM points WHERE series_id = $1 ORDER BY step, id", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                yield return new MetricPoint(runId, name, reader.GetInt64(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
    }

    /// <inheritdoc />
    public Task SaveEpochAsync(EpochRecord epoch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    EnsureRun(epoch.RunId, epoch.Time),
                    BatchCommand("""
                        INSERT INTO epochs (run_id, epoch, time, data) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (run_id, epoch) DO UPDATE SET time = excluded.time, data = excluded.data
                        """, epoch.RunId, epoch.Epoch, epoch.Time.ToUniversalTime(), Json(epoch.Data)),
                },
            };
            return await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EpochRecord>> ListEpochsAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT epoch, time, data FROM epochs WHERE run_id = $1 ORDER BY epoch", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        var epochs = new List<EpochRecord>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            epochs.Add(new EpochRecord(runId, reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), ParseJson(reader.GetString(2))));
        return epochs;
    }

    /// <inheritdoc />
    public async Task<AlertRecord> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        long id = await WriteAsync(async (connection, transaction, ct) =>
        {
            // The bare run (when unknown) and the alert in one statement.
            await using var command = new NpgsqlCommand("""
                WITH bare AS (
                    INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($1, $1, $9, 'external', $2, $2)
                    ON CONFLICT (id) DO NOTHING)
                INSERT INTO alerts (run_id, time, condition, severity, sensitivity, threshold, epoch, message)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """, connection, transaction);
            foreach (object? value in new object?[] { alert.RunId, alert.Time.ToUniversalTime(), alert.Condition, alert.Severity, alert.Sensitivity,
                         alert.Threshold, Typed(alert.Epoch, NpgsqlDbType.Integer), alert.Message, RunStates.Running })
                command.Parameters.Add(Parameter(value));
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        return alert with { Id = id };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? runId, int limit, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT id, run_id, time, condition, severity, sensitivity, threshold, epoch, message FROM alerts
            WHERE $1::text IS NULL OR run_id = $1 ORDER BY id DESC LIMIT $2
            """, connection);
        command.Parameters.Add(Typed(runId, NpgsqlDbType.Text));
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Max(0, limit) });
        var alerts = new List<AlertRecord>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            alerts.Add(new AlertRecord
            {
                Id = reader.GetInt64(0), RunId = reader.GetString(1), Time = reader.GetFieldValue<DateTimeOffset>(2),
                Condition = reader.GetString(3), Severity = reader.GetString(4), Sensitivity = reader.GetDouble(5),
                Threshold = reader.GetDouble(6), Epoch = reader.IsDBNull(7) ? null : reader.GetInt32(7), Message = reader.GetString(8),
            });
        return alerts;
    }

    /// <inheritdoc />
    public Task AppendEventAsync(string runId, long sequence, string type, DateTimeOffset time, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return ExecuteAsync("INSERT INTO events (run_id, sequence, type, time, json) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, sequence) DO NOTHING",
            cancellationToken, runId, sequence, type, time.ToUniversalTime(), json);
    }

    /// <inheritdoc />
    public async Task<long> CountPointsAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // The tiles' counts add up to the points (they are written in the same transactions) and are 64× fewer rows.
        await using var command = new NpgsqlCommand("SELECT COALESCE(SUM(count), 0)::bigint FROM tiles", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Closes the pool's connections. Every acknowledged write is already committed; nothing is flushed here.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    // A pooled connection; failures to reach or log in to the server name the (redacted) URL.
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"cannot open the PostgreSQL store {DisplayUrl}: {e.Message}", e);
        }
    }

    // One transaction per call, retried from the start when PostgreSQL aborts it for a deadlock or serialisation failure.
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        if (!_initialized) throw new InvalidOperationException("call InitializeAsync before using the store");
        for (int attempt = 1; ; attempt++)
        {
            await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                T result = await write(connection, transaction, cancellationToken).ConfigureAwait(false);
                // Not cancellable: once the commit is sent, its outcome must be known.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < Attempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private Task ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (object? value in values) command.Parameters.Add(Parameter(value));
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<IReadOnlyList<RunInfo>> ReadRunsAsync(string where, string? id, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT id, name, state, source, created_at, updated_at, config, hyperparameters, final_metrics FROM runs {where} ORDER BY created_at DESC, id COLLATE \"C\"", connection);
        if (id is not null) command.Parameters.Add(new NpgsqlParameter { Value = id });
        var runs = new List<RunInfo>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            runs.Add(new RunInfo
            {
                Id = reader.GetString(0), Name = reader.GetString(1), State = reader.GetString(2), Source = reader.GetString(3),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(4), UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                Config = reader.IsDBNull(6) ? null : ParseJson(reader.GetString(6)),
                Hyperparameters = reader.IsDBNull(7) ? null : ParseJson(reader.GetString(7)),
                FinalMetrics = reader.IsDBNull(8) ? null : ParseJson(reader.GetString(8)),
            });
        return runs;
    }

    // Byte order ("C"), as SQLite sorts, whatever the database's collation.
    private static async Task<List<(string Name, long Id)>> SeriesOfAsync(NpgsqlConnection connection, string runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name, id FROM series WHERE run_id = $1 ORDER BY name COLLATE \"C\"", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        var series = new List<(string, long)>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) series.Add((reader.GetString(0), reader.GetInt64(1)));
        return series;
    }

    // Creates the run bare (state running, source external) when its id is unknown, as the contract asks.
    private static NpgsqlBatchCommand EnsureRun(string runId, DateTimeOffset time) => BatchCommand(
        "INSERT INTO runs (id, name, state, source, created_at, updated_at) VALUES ($1, $1, $2, 'external', $3, $3) ON CONFLICT (id) DO NOTHING",
        runId, RunStates.Running, time.ToUniversalTime());

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object? value in values) command.Parameters.Add(Parameter(value));
        return command;
    }

    private static NpgsqlParameter Parameter(object? value) => value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value };

    private static NpgsqlParameter Typed(object? value, NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    // JSON documents go in as text typed json, so PostgreSQL validates them and keeps them as written.
    private static NpgsqlParameter Json(JsonElement? element) => Typed(element?.GetRawText(), NpgsqlDbType.Json);

    private static JsonElement ParseJson(string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
