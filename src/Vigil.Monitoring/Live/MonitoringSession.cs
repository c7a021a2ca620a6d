using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Systems;

namespace Vigil.Monitoring.Live;

/// <summary>
/// The live side of monitoring, composed once: store and its writer, series cache, status, critical conditions,
/// the latest <c>metrics_update</c>, the WebSocket hub and the system sampler. The server maps routes onto it; a run in
/// this process feeds it through <see cref="CreateRecorder"/>; external trainers through <see cref="IngestAsync"/>.
/// </summary>
public sealed class MonitoringSession : IAsyncDisposable
{
    private readonly object _gate = new();
    private MetricsUpdate? _current;
    private long _ingested;

    private MonitoringSession(MonitoringOptions options, IMetricStore store, SystemSampler sampler, TimeProvider time, Action<Exception>? onStoreError)
    {
        Options = options;
        Store = store;
        Time = time;
        Sampler = sampler;
        Writer = new StoreWriter(store, onError: onStoreError);
        Cache = new SeriesCache(options.CacheSize);
        Hub = new MessageHub(options.WsReplayBuffer, options.WsUpdateFrequency, options.WsMaxConnections, time: time);
        Commands = new ExternalRunCommands(time);
        ControlReaches = Commands.Accepts;
        Status = new RunStatusTracker(time, runId => ControlReaches(runId));
        Conditions = new CriticalConditionMonitor(options.CriticalThresholds, options.WarningMargin);
        Updates = new MetricsUpdateBuilder();
    }

    /// <summary>Validates <paramref name="options"/>, opens and migrates the store, and composes the rest.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="store">A store to use instead of the one <see cref="MonitoringOptions.DbPath"/> names (owned by the session either way).</param>
    /// <param name="sampler">A system sampler to use (owned by the session); one probing NVML by default.</param>
    /// <param name="time">The clock.</param>
    /// <param name="onStoreError">Told about failed background writes.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<MonitoringSession> OpenAsync(MonitoringOptions options, IMetricStore? store = null, SystemSampler? sampler = null,
        TimeProvider? time = null, Action<Exception>? onStoreError = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        store ??= MetricStores.Create(options);
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        string diskPath = options.IsPostgres ? "." : Path.GetDirectoryName(Path.GetFullPath(options.DbPath)) ?? ".";
        return new MonitoringSession(options, store, sampler ?? new SystemSampler(diskPath, time), time ?? TimeProvider.System, onStoreError);
    }

    /// <summary>The configuration.</summary>
    public MonitoringOptions Options { get; }

    /// <summary>Pause/resume/stop commands for external trainers that accept control.</summary>
    public ExternalRunCommands Commands { get; }

    /// <summary>
    /// Whether the control routes reach a run (what <see cref="LiveStatus.AcceptsControl"/> says): by default an external
    /// run whose trainer declared it accepts control; the server sets its controller's
    /// <see cref="ITrainingController.Controls"/>, which also knows the run trained in this process.
    /// </summary>
    public Func<string, bool> ControlReaches { get; set; }

    /// <summary>The store (read directly; write through <see cref="Writer"/>).</summary>
    public IMetricStore Store { get; }

    /// <summary>The ordered, batched writer in front of <see cref="Store"/>.</summary>
    public StoreWriter Writer { get; }

    /// <summary>The last points of every series.</summary>
    public SeriesCache Cache { get; }

    /// <summary>The WebSocket fan-out.</summary>
    public MessageHub Hub { get; }

    /// <summary>Where the current run stands.</summary>
    public RunStatusTracker Status { get; }

    /// <summary>Critical-class sensitivities.</summary>
    public CriticalConditionMonitor Conditions { get; }

    /// <summary>The figures of the next <c>metrics_update</c> (from in-process run events).</summary>
    public MetricsUpdateBuilder Updates { get; }

    /// <summary>Machine resources.</summary>
    public SystemSampler Sampler { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The latest <c>metrics_update</c> published, or null before the first.</summary>
    public MetricsUpdate? Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Points accepted through <see cref="IngestAsync"/> and recorders.</summary>
    public long IngestedPoints => Interlocked.Read(ref _ingested);

    /// <summary>Creates an observer that records a run trained in this process (attach it to the trainer's publisher).</summary>
    public RunRecorder CreateRecorder() => new(this);

    /// <summary>
    /// Stores points from an external trainer; completes once they are committed (acknowledged = durable), and adds
    /// them to the cache.
    /// </summary>
    public async Task IngestAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        await Writer.AppendAsync(points, cancellationToken).ConfigureAwait(false);
        Cache.AddRange(points);
        Interlocked.Add(ref _ingested, points.Count);
    }

    /// <summary>Counts points queued by a recorder.</summary>
    internal void CountIngested(int points) => Interlocked.Add(ref _ingested, points);

    /// <summary>Makes <paramref name="update"/> the current one and pushes it to clients.</summary>
    public HubMessage PublishUpdate(MetricsUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate) _current = update;
        return Hub.Publish("metrics_update", update);
    }

    /// <summary>Builds a <c>metrics_update</c> from the in-process figures and publishes it.</summary>
    public HubMessage PublishCurrentFigures() =>
        PublishUpdate(Updates.Build(Conditions.Current, Sampler.Latest, Time.GetUtcNow()));

    /// <summary>Pushes the current status to clients.</summary>
    public HubMessage PublishStatus() => Hub.Publish("status", Status.Current);

    /// <summary>
    /// Takes an external trainer's <c>metrics_update</c>: the live status follows its position, its critical
    /// conditions are checked against the configured thresholds (alerts when worse), and it is published. Returns null,
    /// having done nothing, while a run of this process is active: that run keeps the live status, its conditions and
    /// its current update (the external run's points and epochs are still stored by their own requests).
    /// </summary>
    public HubMessage? ApplyExternalUpdate(string runId, MetricsUpdate update)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(update);
        DateTimeOffset now = Time.GetUtcNow();
        if (!Status.ApplyExternal(runId, update, now)) return null;
        IReadOnlyList<ConditionChange> worse = Conditions.Observe(
            update.Metrics.CriticalConditions.Select(c => KeyValuePair.Create(c.Key, (double?)c.Value.Sensitivity))
                .Concat(update.Metrics.PerClass.Select(c => KeyValuePair.Create(c.Key, (double?)c.Value))));
        RaiseAlerts(runId, worse, update.Epoch, now);
        // Conditions the sender reports that no threshold here covers are kept as sent.
        var conditions = new Dictionary<string, CriticalConditionState>(update.Metrics.CriticalConditions, StringComparer.Ordinal);
        foreach ((string name, CriticalConditionState state) in Conditions.Current) conditions[name] = state;
        MetricsUpdate stamped = update with
        {
            RunId = runId,
            Timestamp = string.IsNullOrEmpty(update.Timestamp) ? MetricsUpdateBuilder.FormatTimestamp(now) : update.Timestamp,
            Metrics = update.Metrics with { CriticalConditions = conditions },
        };
        return PublishUpdate(stamped);
    }

    /// <summary>
    /// Takes the critical thresholds an external trainer declared for its run (<c>POST /api/runs</c>): its sensitivities
    /// are checked against them from now on (a configured threshold for the same class wins). Ignored (false) while a
    /// run of this process is active, which keeps its own.
    /// </summary>
    public bool SetExternalTargets(string runId, IReadOnlyDictionary<string, double> targets)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(targets);
        if (!Status.CanFollow(runId)) return false;
        Conditions.Reset(targets);
        return true;
    }

    /// <summary>
    /// An external trainer acknowledged <paramref name="command"/>: its run's state becomes the command's outcome
    /// (paused, running or stopping), stored and pushed as a <c>status</c> message.
    /// </summary>
    public async Task ApplyAcknowledgedAsync(string runId, RunCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        DateTimeOffset now = Time.GetUtcNow();
        string state = command.StateWhenDone;
        await Writer.RunAsync((store, token) => store.SetRunStateAsync(runId, state, now, token), cancellationToken).ConfigureAwait(false);
        if (Status.SetExternalState(runId, state, $"{command.Action} acknowledged by the trainer", now)) PublishStatus();
    }

    /// <summary>Stores an alert for each worsened condition, then pushes it (with its id) to clients; does not wait.</summary>
    public void RaiseAlerts(string runId, IReadOnlyList<ConditionChange> changes, int? epoch, DateTimeOffset time)
    {
        foreach (ConditionChange change in changes)
        {
            var alert = new AlertRecord
            {
                RunId = runId, Time = time, Condition = change.Condition, Severity = change.Status,
                Sensitivity = change.Sensitivity, Threshold = change.Threshold, Epoch = epoch, Message = change.Describe(),
            };
            // Through the writer so alerts keep their place among the run's writes; pushed once stored, so what a
            // client sees is what GET /api/alerts lists.
            Writer.TryEnqueue(async (store, token) =>
            {
                AlertRecord stored = await store.AddAlertAsync(alert, token).ConfigureAwait(false);
                Hub.Publish("alert", stored);
            });
        }
    }

    /// <summary>Commits what is queued, then closes the writer, the sampler and the store.</summary>
    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        Sampler.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
