namespace Vigil.Monitoring.Storage;

/// <summary>
/// Where monitoring keeps runs, series, epochs and alerts. SQLite (<see cref="SqliteMetricStore"/>) for one machine;
/// PostgreSQL (<see cref="Postgres.PostgresMetricStore"/>) for a shared server; <see cref="MetricStores"/> picks one.
/// Every method is safe to call from several threads. Writes are durable when their task completes: that is what
/// "acknowledged" means to the ingestion API.
/// </summary>
public interface IMetricStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (idempotent). Call once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>The schema version the store is at.</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the run, or updates its name, source, config and hyper-parameters (state and final metrics are kept when null here).</summary>
    Task UpsertRunAsync(RunInfo run, CancellationToken cancellationToken = default);

    /// <summary>Sets a run's state; creates a bare run when it is unknown.</summary>
    Task SetRunStateAsync(string runId, string state, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Sets a run's final metrics (a JSON object).</summary>
    Task SetFinalMetricsAsync(string runId, System.Text.Json.JsonElement metrics, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>The run, or null when unknown.</summary>
    Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every run, newest first.</summary>
    Task<IReadOnlyList<RunInfo>> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends points in one transaction; durable (committed) when the task completes. Unknown runs are created bare.</summary>
    Task AppendPointsAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken = default);

    /// <summary>The run's series names, sorted.</summary>
    Task<IReadOnlyList<string>> ListSeriesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Downsampled history: at most <see cref="HistoryQuery.MaxPoints"/> buckets per series.</summary>
    Task<IReadOnlyList<SeriesHistory>> QueryHistoryAsync(HistoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every stored point of a run, ordered by series then step (for CSV export).</summary>
    IAsyncEnumerable<MetricPoint> ReadPointsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces) one epoch's record.</summary>
    Task SaveEpochAsync(EpochRecord epoch, CancellationToken cancellationToken = default);

    /// <summary>The run's epochs in order.</summary>
    Task<IReadOnlyList<EpochRecord>> ListEpochsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Stores an alert; returns it with its id.</summary>
    Task<AlertRecord> AddAlertAsync(AlertRecord alert, CancellationToken cancellationToken = default);

    /// <summary>The newest alerts first, optionally of one run.</summary>
    Task<IReadOnlyList<AlertRecord>> ListAlertsAsync(string? runId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores a run event's JSON (non-batch events, for replay and audit); a repeated (run, sequence) is ignored.</summary>
    Task AppendEventAsync(string runId, long sequence, string type, DateTimeOffset time, string json, CancellationToken cancellationToken = default);

    /// <summary>Points stored in total (all runs), for <c>/metrics</c>.</summary>
    Task<long> CountPointsAsync(CancellationToken cancellationToken = default);
}
