using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Systems;

namespace Vigil.Server.Tests;

/// <summary>
/// Entry point used only by <see cref="KillTests"/>: <c>dotnet Vigil.Server.Tests.dll serve FOLDER [DB]</c> runs a monitoring
/// server on a free loopback port (store: DB, a postgres:// URL, else FOLDER/monitoring.db), prints "URL http://…" and
/// waits to be killed.
/// </summary>
public static class ChildServer
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["serve", var folder, ..] || args.Length > 3) return 2;
        string db = args.Length == 3 ? args[2] : Path.Combine(folder, "monitoring.db");
        var options = new MonitoringOptions { Host = "127.0.0.1", Port = 0, DbPath = db, LogDirectory = folder };
        var server = new MonitoringServer(options, new MonitoringServerSetup { Sampler = new SystemSampler(folder, probeGpu: false), SampleSystem = false });
        Uri url = await server.StartAsync();
        Console.Out.WriteLine($"URL {url}");
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
