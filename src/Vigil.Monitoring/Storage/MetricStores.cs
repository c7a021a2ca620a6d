using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Storage.Postgres;

namespace Vigil.Monitoring.Storage;

/// <summary>Picks the store <c>MONITORING_DB_PATH</c> names: a <c>postgres://</c> URL or a SQLite file path.</summary>
public static class MetricStores
{
    /// <summary>Creates (not yet initialised) the store for <paramref name="options"/>.</summary>
    /// <exception cref="MonitoringOptionsException">The path is a malformed PostgreSQL URL (the message has no password).</exception>
    public static IMetricStore Create(MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsPostgres ? new PostgresMetricStore(options.DbPath) : new SqliteMetricStore(options.DbPath);
    }

    /// <summary>How to show <paramref name="dbPath"/> in messages: a URL's password becomes <c>***</c>.</summary>
    public static string Describe(string dbPath) => PostgresConnectionUrl.Redact(dbPath);
}
