using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.Web.Tests;

/// <summary>
/// A real <c>vigil serve</c> child process on a free port with its own store in a temp folder (its working
/// directory): the dashboard is tested against the server users run. Its URL is the first stdout line.
/// </summary>
public sealed class VigilServer : IAsyncDisposable
{
    private readonly Process _process;

    private VigilServer(Process process, Uri url, string folder, string? token)
    {
        _process = process;
        Url = url;
        Folder = folder;
        Token = token;
        // Drain stderr so the child never blocks on a full pipe.
        _ = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
    }

    public Uri Url { get; }
    public string Folder { get; }

    /// <summary>The server's <c>MONITORING_TOKEN</c> when it requires one.</summary>
    public string? Token { get; }

    /// <summary><c>vigil serve --simulate</c> (28 RETFound classes, an epoch every 2 s), once its run is under way.</summary>
    public static Task<VigilServer> StartSimulatedAsync() =>
        // Many epochs, so the run is still running (pausable) whatever the order the tests run in.
        StartAsync(NewFolder(), ["--simulate", "--epoch-seconds", "2", "--epochs", "1000"], "running");

    /// <summary>The simulated server, requiring <paramref name="token"/> as it does off loopback.</summary>
    public static Task<VigilServer> StartSimulatedWithTokenAsync(string token) =>
        StartAsync(NewFolder(), ["--simulate", "--epoch-seconds", "2", "--epochs", "1000"], "running", token: token);

    /// <summary>
    /// A plain <c>vigil serve</c>, idle, in a folder where <c>vigil organize</c> has written the dataset
    /// <paramref name="dataset"/> (synthetic sample images) at its default place; <paramref name="critical"/> is its
    /// <c>MONITORING_CRITICAL_THRESHOLDS</c>.
    /// </summary>
    public static async Task<VigilServer> StartIdleWithDatasetAsync(string dataset, string critical)
    {
        string folder = NewFolder();
        Vigil(folder, "sample", "--output", "sample", "--per-organ", "20", "--image-size", "32");
        Vigil(folder, "organize", "--source", Path.Combine("sample", "manifest.csv"), "--name", dataset);
        return await StartAsync(folder, [], "idle", critical);
    }

    /// <summary>A plain <c>vigil serve</c>, idle, with nothing organized.</summary>
    public static Task<VigilServer> StartIdleAsync() => StartAsync(NewFolder(), [], "idle");

    private static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vigil-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static ProcessStartInfo Command(string folder, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        return start;
    }

    private static void Vigil(string folder, params string[] args)
    {
        using var process = Process.Start(Command(folder, args))!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), $"vigil {args[0]} did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"vigil {string.Join(' ', args)} failed: {stderr.Result}");
    }

    private static async Task<VigilServer> StartAsync(string folder, string[] extra, string readyState, string? critical = null, string? token = null)
    {
        var start = Command(folder, ["serve", .. extra, "--port", "0", "--db", Path.Combine(folder, "monitor.db")]);
        start.Environment["MONITORING_LOG_DIR"] = folder;
        if (critical is not null) start.Environment["MONITORING_CRITICAL_THRESHOLDS"] = critical;
        if (token is not null)
        {
            start.Environment["MONITORING_REQUIRE_TOKEN"] = "true";
            start.Environment["MONITORING_TOKEN"] = token;
        }
        var process = Process.Start(start)!;
        string? url = null;
        try { url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)); }
        finally
        {
            if (string.IsNullOrEmpty(url)) { process.Kill(true); process.Dispose(); }
        }
        Assert.False(string.IsNullOrEmpty(url), "vigil serve printed no URL");
        var server = new VigilServer(process, new Uri(url!), folder, token);
        // Ready in the state the tests start from: a simulated run under way, or idle.
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(100))
        {
            JsonElement status = await server.StatusAsync();
            if (status.GetProperty("state").GetString() == readyState) break;
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                await server.DisposeAsync();
                Assert.Fail($"vigil serve was not {readyState} within 30 s (status: {status})");
            }
        }
        return server;
    }

    /// <summary><c>GET /api/status</c>: the live run and its state.</summary>
    public async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient { BaseAddress = Url };
        if (Token is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return await http.GetFromJsonAsync<JsonElement>("api/status");
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
