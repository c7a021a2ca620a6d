using Vigil.Monitoring.Configuration;

namespace Vigil.Cli.Infrastructure;

/// <summary>The monitoring server settings of <c>vigil demo</c> and how it stays up for the user afterwards.</summary>
public static class DemoMonitoring
{
    /// <summary>
    /// The MONITORING_* configuration, with the store in the demo's workspace unless <c>MONITORING_DB_PATH</c> names
    /// one, and <paramref name="port"/> when given.
    /// </summary>
    public static MonitoringOptions Options(string workspace, int? port)
    {
        var options = MonitoringEnvironment.Read();
        bool ownDb = Environment.GetEnvironmentVariable("MONITORING_DB_PATH") is null;
        // The server's log files belong with the demo's other files, not in whatever folder the demo was started from.
        bool ownLogs = Environment.GetEnvironmentVariable("MONITORING_LOG_DIR") is null;
        if (ownDb || ownLogs) Directory.CreateDirectory(workspace);
        if (ownDb) options = options with { DbPath = Path.Combine(workspace, "monitoring.db") };
        if (ownLogs) options = options with { LogDirectory = workspace };
        return port is { } p ? options with { Port = p } : options;
    }

    /// <summary>Whether a busy port may be swapped for a free one: only when no one chose the port.</summary>
    public static bool AnyPortIfBusy(int? port) => port is null && Environment.GetEnvironmentVariable("MONITORING_PORT") is null;

    /// <summary>
    /// In an interactive terminal, keeps the server up until Ctrl-C so the finished run can still be looked at;
    /// scripts (redirected input or output) go on at once.
    /// </summary>
    public static async Task HoldAsync(Uri url, CancellationToken token)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected) return;
        Console.WriteLine($"The monitor stays live at {url} — press Ctrl-C to exit.");
        try { await Task.Delay(Timeout.Infinite, token); }
        catch (OperationCanceledException) { }
    }
}
