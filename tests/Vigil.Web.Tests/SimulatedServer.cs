using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Web.Tests;

/// <summary>
/// A real <c>vigil serve --simulate</c> child process on a free port with its own store in a temp folder: the
/// dashboard is tested against the server users run. Its URL is the first stdout line.
/// </summary>
public sealed class SimulatedServer : IAsyncDisposable
{
    private readonly Process _process;

    private SimulatedServer(Process process, Uri url, string folder)
    {
        _process = process;
        Url = url;
        Folder = folder;
        // Drain stderr so the child never blocks on a full pipe.
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public Uri Url { get; }
    public string Folder { get; }

    public static async Task<SimulatedServer> StartAsync()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vigil-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        // Many epochs, so the run is still running (pausable) whatever the order the tests run in.
        foreach (string a in new[] { "serve", "--simulate", "--epoch-seconds", "2", "--epochs", "1000", "--port", "0", "--db", Path.Combine(folder, "sim.db") })
            start.ArgumentList.Add(a);
        start.Environment["MONITORING_LOG_DIR"] = folder;
        var process = Process.Start(start)!;
        string? url = null;
        try { url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)); }
        finally
        {
            if (string.IsNullOrEmpty(url)) { process.Kill(true); process.Dispose(); }
        }
        Assert.False(string.IsNullOrEmpty(url), "vigil serve printed no URL");
        var server = new SimulatedServer(process, new Uri(url!), folder);
        // Ready once the simulated run is under way: every test starts with a live run to watch and control.
        using var http = new HttpClient { BaseAddress = server.Url };
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            JsonElement status = await http.GetFromJsonAsync<JsonElement>("api/status");
            if (status.GetProperty("state").GetString() == "running") break;
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                await server.DisposeAsync();
                Assert.Fail($"the simulated run did not start within 30 s (status: {status})");
            }
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
