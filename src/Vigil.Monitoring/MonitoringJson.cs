using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Json;

namespace Vigil.Monitoring;

/// <summary>
/// The JSON style of the monitoring API and WebSocket: <see cref="VigilJson"/>'s snake_case, compact, and NaN/±Infinity
/// written as strings (a diverging loss must reach the dashboard, not fail the message).
/// </summary>
public static class MonitoringJson
{
    /// <summary>The shared options (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(VigilJson.Options)
        {
            WriteIndented = false,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
