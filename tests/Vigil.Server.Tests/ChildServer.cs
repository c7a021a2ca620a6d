using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Systems;

namespace Vigil.Server.Tests;

/// <summary>
/// Entry point used only by <see cref="KillTests"/>: <c>dotnet Vigil.Server.Tests.dll serve FOLDER</c> runs a monitoring
/// server on a free loopback port, prints "URL http://…" and waits to be killed.
/// </summary>
public static class ChildServer
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["serve", var folder]) return 2;
        var options = new MonitoringOptions { Host = "127.0.0.1", Port = 0, DbPath = Path.Combine(folder, "monitoring.db"), LogDirectory = folder };
        var server = new MonitoringServer(options, new MonitoringServerSetup { Sampler = new SystemSampler(folder, probeGpu: false), SampleSystem = false });
        Uri url = await server.StartAsync();
        Console.Out.WriteLine($"URL {url}");
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
