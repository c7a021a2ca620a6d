using System.Globalization;
using System.Text.Json;

namespace Vigil.Monitoring.Configuration;

/// <summary>
/// Reads <see cref="MonitoringOptions"/> from environment variables, exactly as the monitoring issue names them.
/// An unset or empty variable keeps the default; a set one that cannot be read is an error naming the variable, the
/// value and what is allowed (never silently ignored).
/// </summary>
public static class MonitoringEnvironment
{
    /// <summary>Every variable read, in documentation order.</summary>
    public static IReadOnlyList<string> Variables { get; } =
    [
        "MONITORING_HOST", "MONITORING_PORT", "MONITORING_DEBUG", "MONITORING_DB_PATH", "MONITORING_CACHE_SIZE",
        "WS_UPDATE_FREQUENCY", "WS_MAX_CONNECTIONS", "MONITORING_TOKEN", "MONITORING_REQUIRE_TOKEN",
        "MONITORING_CRITICAL_THRESHOLDS", "MONITORING_WARNING_MARGIN", "MONITORING_CORS_ORIGINS", "MONITORING_LOG_DIR",
        "MONITORING_MAX_BODY_BYTES", "WS_REPLAY_BUFFER",
    ];

    /// <summary>Reads the process environment and validates the result.</summary>
    /// <exception cref="MonitoringOptionsException">A variable is malformed or out of range.</exception>
    public static MonitoringOptions Read() => Read(Environment.GetEnvironmentVariable);

    /// <summary>Reads variables through <paramref name="lookup"/> (null for unset) and validates the result.</summary>
    /// <exception cref="MonitoringOptionsException">A variable is malformed or out of range.</exception>
    public static MonitoringOptions Read(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var problems = new List<string>();
        var defaults = new MonitoringOptions();
        string? Get(string name) => lookup(name) is { } value && value.Trim().Length > 0 ? value.Trim() : null;

        var options = new MonitoringOptions
        {
            Host = Get("MONITORING_HOST") ?? defaults.Host,
            Port = Integer("MONITORING_PORT", defaults.Port),
            Debug = Boolean("MONITORING_DEBUG") ?? defaults.Debug,
            DbPath = Get("MONITORING_DB_PATH") ?? defaults.DbPath,
            CacheSize = Integer("MONITORING_CACHE_SIZE", defaults.CacheSize),
            WsUpdateFrequency = Number("WS_UPDATE_FREQUENCY", defaults.WsUpdateFrequency),
            WsMaxConnections = Integer("WS_MAX_CONNECTIONS", defaults.WsMaxConnections),
            Token = lookup("MONITORING_TOKEN") is { Length: > 0 } token ? token : null,
            RequireToken = Boolean("MONITORING_REQUIRE_TOKEN"),
            CriticalThresholds = Thresholds("MONITORING_CRITICAL_THRESHOLDS") ?? defaults.CriticalThresholds,
            WarningMargin = Number("MONITORING_WARNING_MARGIN", defaults.WarningMargin),
            CorsOrigins = Get("MONITORING_CORS_ORIGINS") is { } origins
                ? origins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : defaults.CorsOrigins,
            LogDirectory = lookup("MONITORING_LOG_DIR") ?? defaults.LogDirectory,
            MaxBodyBytes = Integer("MONITORING_MAX_BODY_BYTES", defaults.MaxBodyBytes),
            WsReplayBuffer = Integer("WS_REPLAY_BUFFER", defaults.WsReplayBuffer),
        };
        // Unreadable values first: range checks on a default that replaced them would only confuse.
        if (problems.Count > 0) throw new MonitoringOptionsException(problems);
        return options.Validate();

        int Integer(string name, long fallback) => (int)Math.Clamp(Long(name, fallback), int.MinValue, int.MaxValue);

        long Long(string name, long fallback)
        {
            if (Get(name) is not { } text) return fallback;
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)) return value;
            problems.Add($"{name}={text} is not a whole number");
            return fallback;
        }

        double Number(string name, double fallback)
        {
            if (Get(name) is not { } text) return fallback;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)) return value;
            problems.Add($"{name}={text} is not a number (use a dot for decimals, e.g. 0.5)");
            return fallback;
        }

        bool? Boolean(string name)
        {
            if (Get(name) is not { } text) return null;
            switch (text.ToLowerInvariant())
            {
                case "1" or "true" or "yes" or "on": return true;
                case "0" or "false" or "no" or "off": return false;
                default:
                    problems.Add($"{name}={text} is not a boolean; use true/false, 1/0, yes/no or on/off");
                    return null;
            }
        }

        IReadOnlyDictionary<string, double>? Thresholds(string name)
        {
            if (Get(name) is not { } text) return null;
            try
            {
                var map = JsonSerializer.Deserialize<Dictionary<string, double>>(text);
                if (map is not null) return new Dictionary<string, double>(map, StringComparer.Ordinal);
            }
            catch (JsonException e)
            {
                problems.Add($"{name}={text} is not a JSON object of class name to sensitivity, e.g. {{\"RAO\":0.99,\"RVO\":0.97}} ({e.Message})");
                return null;
            }
            problems.Add($"{name}={text} is not a JSON object of class name to sensitivity, e.g. {{\"RAO\":0.99}}");
            return null;
        }
    }
}
