using System.Net;

namespace Vigil.Monitoring.Configuration;

/// <summary>
/// Everything the monitoring server is configured with. Read from the environment by
/// <see cref="MonitoringEnvironment.Read(Func{string, string?})"/> (the variable names are a contract, see
/// <c>docs/monitoring-api.md</c>); command-line flags override single values with <c>with</c>.
/// </summary>
public sealed record MonitoringOptions
{
    /// <summary>Host name or address to bind (<c>MONITORING_HOST</c>, default <c>localhost</c>).</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>TCP port (<c>MONITORING_PORT</c>, default 8000; 0 picks a free port).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>Verbose logging and error details in responses (<c>MONITORING_DEBUG</c>, default false).</summary>
    public bool Debug { get; init; }

    /// <summary>The store: a SQLite file path, or a <c>postgres://</c> URL (<c>MONITORING_DB_PATH</c>, default <c>./monitoring.db</c>).</summary>
    public string DbPath { get; init; } = "./monitoring.db";

    /// <summary>Points kept in memory per series for instant first paint (<c>MONITORING_CACHE_SIZE</c>, default 1000).</summary>
    public int CacheSize { get; init; } = 1000;

    /// <summary>Most WebSocket messages per second to one client (<c>WS_UPDATE_FREQUENCY</c>, default 10).</summary>
    public double WsUpdateFrequency { get; init; } = 10;

    /// <summary>Most concurrent WebSocket clients (<c>WS_MAX_CONNECTIONS</c>, default 50).</summary>
    public int WsMaxConnections { get; init; } = 50;

    /// <summary>
    /// The server's access token (<c>MONITORING_TOKEN</c>); required when bound off loopback. Never printed:
    /// <see cref="ToString"/> says only whether one is set.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// Forces (true) or waives (false) the token on every API route, <c>/metrics</c> and <c>/ws</c>; null decides by
    /// the bind address: required unless <see cref="Host"/> is loopback (<c>MONITORING_REQUIRE_TOKEN</c>).
    /// </summary>
    public bool? RequireToken { get; init; }

    /// <summary>Minimum sensitivity per critical class, e.g. {"RAO":0.99} (<c>MONITORING_CRITICAL_THRESHOLDS</c>, JSON object).</summary>
    public IReadOnlyDictionary<string, double> CriticalThresholds { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>How far below its threshold a sensitivity is a warning rather than critical (<c>MONITORING_WARNING_MARGIN</c>, default 0.02).</summary>
    public double WarningMargin { get; init; } = 0.02;

    /// <summary>Origins allowed by CORS; empty means CORS is off (<c>MONITORING_CORS_ORIGINS</c>, comma-separated).</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Folder of <c>monitoring.log</c>, <c>websocket.log</c> and <c>metrics.log</c> (<c>MONITORING_LOG_DIR</c>, default <c>.</c>); empty turns file logs off.</summary>
    public string LogDirectory { get; init; } = ".";

    /// <summary>Largest request body accepted, in bytes (<c>MONITORING_MAX_BODY_BYTES</c>, default 1 MiB); larger gets 413.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Messages kept for WebSocket clients that reconnect with <c>?since=</c> (<c>WS_REPLAY_BUFFER</c>, default 1000).</summary>
    public int WsReplayBuffer { get; init; } = 1000;

    /// <summary>Most points in one <c>POST /api/runs/{id}/log</c> (MLflow's batch cap).</summary>
    public const int MaxPointsPerLog = 1000;

    /// <summary>Whether <see cref="Host"/> names the loopback interface only.</summary>
    public bool IsLoopback =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    /// <summary>Whether the API and <c>/ws</c> need the token, after <see cref="RequireToken"/> and the bind address.</summary>
    public bool TokenRequired => RequireToken ?? !IsLoopback;

    /// <summary>Whether <see cref="DbPath"/> names a PostgreSQL server rather than a SQLite file.</summary>
    public bool IsPostgres =>
        DbPath.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || DbPath.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every problem with these values, one sentence each (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) problems.Add("MONITORING_HOST is empty; use a host name or address such as localhost or 0.0.0.0");
        if (Port is < 0 or > 65535) problems.Add($"MONITORING_PORT={Port} is out of range; use 0..65535 (0 picks a free port)");
        if (string.IsNullOrWhiteSpace(DbPath)) problems.Add("MONITORING_DB_PATH is empty; use a file path such as ./monitoring.db or a postgres:// URL");
        else if (IsPostgres)
        {
            // A malformed URL is reported with the rest (its password redacted) rather than when the store opens.
            try { Storage.Postgres.PostgresConnectionUrl.ToConnectionString(DbPath); }
            catch (MonitoringOptionsException e) { problems.AddRange(e.Problems); }
        }
        if (CacheSize is < 1 or > 10_000_000) problems.Add($"MONITORING_CACHE_SIZE={CacheSize} is out of range; use 1..10000000 points per series");
        if (!double.IsFinite(WsUpdateFrequency) || WsUpdateFrequency <= 0 || WsUpdateFrequency > 1000)
            problems.Add($"WS_UPDATE_FREQUENCY={Invariant(WsUpdateFrequency)} is out of range; use more than 0 and at most 1000 messages per second");
        if (WsMaxConnections is < 1 or > 100_000) problems.Add($"WS_MAX_CONNECTIONS={WsMaxConnections} is out of range; use 1..100000");
        if (WsReplayBuffer is < 1 or > 1_000_000) problems.Add($"WS_REPLAY_BUFFER={WsReplayBuffer} is out of range; use 1..1000000 messages");
        if (!double.IsFinite(WarningMargin) || WarningMargin is < 0 or > 1)
            problems.Add($"MONITORING_WARNING_MARGIN={Invariant(WarningMargin)} is out of range; use 0..1 (a sensitivity difference)");
        foreach ((string name, double threshold) in CriticalThresholds)
        {
            if (string.IsNullOrWhiteSpace(name)) problems.Add("MONITORING_CRITICAL_THRESHOLDS has an empty class name");
            if (!double.IsFinite(threshold) || threshold is < 0 or > 1)
                problems.Add($"MONITORING_CRITICAL_THRESHOLDS[\"{name}\"]={Invariant(threshold)} is out of range; a sensitivity threshold is 0..1");
        }
        if (MaxBodyBytes < 1024) problems.Add($"MONITORING_MAX_BODY_BYTES={MaxBodyBytes} is too small; use at least 1024");
        if (TokenRequired && string.IsNullOrEmpty(Token))
            problems.Add(RequireToken == true
                ? "a bearer token is required but MONITORING_TOKEN is not set; set MONITORING_TOKEN to a secret"
                : $"MONITORING_HOST={Host} is not loopback, so the API, /ws and the dashboard need a token: set MONITORING_TOKEN to a secret, e.g. $(openssl rand -hex 32) (or bind to localhost)");
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> finds any; returns this otherwise.</summary>
    /// <exception cref="MonitoringOptionsException">One or more values are not allowed; the message lists them all.</exception>
    public MonitoringOptions Validate()
    {
        IReadOnlyList<string> problems = Problems();
        if (problems.Count > 0) throw new MonitoringOptionsException(problems);
        return this;
    }

    // A record prints every property; this one holds a secret (and the store URL may hold a password).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Host = {Host}, Port = {Port}, DbPath = {Storage.MetricStores.Describe(DbPath)}, Token = {(Token is null ? "not set" : "set")}, TokenRequired = {TokenRequired}");
        return true;
    }

    private static string Invariant(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
