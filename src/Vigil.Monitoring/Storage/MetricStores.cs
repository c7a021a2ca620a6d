using Vigil.Monitoring.Configuration;

namespace Vigil.Monitoring.Storage;

/// <summary>Picks the store <c>MONITORING_DB_PATH</c> names.</summary>
public static class MetricStores
{
    /// <summary>Creates (not yet initialised) the store for <paramref name="options"/>.</summary>
    /// <exception cref="MonitoringOptionsException">The path names a store this build cannot open.</exception>
    public static IMetricStore Create(MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsPostgres)
            throw new MonitoringOptionsException([$"MONITORING_DB_PATH={Redact(options.DbPath)} names PostgreSQL, which this build does not support yet; use a SQLite file path"]);
        return new SqliteMetricStore(options.DbPath);
    }

    // Connection URLs may carry a password; error messages must not.
    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.UserInfo.Length > 0 ? url.Replace(uri.UserInfo, "***", StringComparison.Ordinal) : url;
}
