using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Tests;
using Xunit.Abstractions;

namespace Vigil.Server.Tests;

public sealed class KillTests(ITestOutputHelper output)
{
    [Fact]
    public Task EveryAcknowledgedPointSurvivesKillNineMidIngestion() => KillMidIngestionAsync(null);

    [Fact]
    public async Task EveryAcknowledgedPointSurvivesKillNineMidIngestionIntoPostgres()
    {
        await using PostgresTestDatabase database = await PostgresTestDatabase.CreateAsync();
        await KillMidIngestionAsync(database.Url);
    }

    // The store is a SQLite file in a temp folder, or the PostgreSQL database postgresUrl names.
    private async Task KillMidIngestionAsync(string? postgresUrl)
    {
        string folder = Path.Combine(Path.GetTempPath(), "vigil-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string assembly = typeof(ChildServer).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { "exec", "--runtimeconfig", Path.ChangeExtension(assembly, ".runtimeconfig.json"), assembly, "serve", folder },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (postgresUrl is not null) start.ArgumentList.Add(postgresUrl);
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using Process child = new() { StartInfo = start };
        child.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("URL ", StringComparison.Ordinal) == true) url.TrySetResult(e.Data[4..]); };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            Task started = await Task.WhenAny(url.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(started == url.Task, "the child server did not start: " + string.Join("\n", errors));
            using var http = new HttpClient { BaseAddress = new Uri(await url.Task) };
            (await http.PostAsJsonAsync("api/runs", new { id = "k" })).EnsureSuccessStatusCode();

            // Four posters send 1,000-point batches; a batch counts as acknowledged only once its 200 arrived.
            var acknowledged = new ConcurrentBag<int>();
            int next = -1;
            using var stop = new CancellationTokenSource();
            Task[] posters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    int batch = Interlocked.Increment(ref next);
                    var points = Enumerable.Range(batch * 1000, 1000).Select(s => new { series = "loss/train", step = s, value = s * 0.5 }).ToArray();
                    try
                    {
                        HttpResponseMessage response = await http.PostAsJsonAsync("api/runs/k/log", new { points });
                        if (response.IsSuccessStatusCode) acknowledged.Add(batch);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();
            var clock = Stopwatch.StartNew();
            while (acknowledged.Count < 30 && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
            child.Kill(); // SIGKILL: no shutdown code runs, nothing is flushed or checkpointed
            await child.WaitForExitAsync();
            stop.Cancel();
            await Task.WhenAll(posters);
            output.WriteLine($"{(postgresUrl is null ? "SQLite" : "PostgreSQL")}: {acknowledged.Count} batches acknowledged in {clock.Elapsed.TotalSeconds:0.0} s before the kill ({acknowledged.Count * 1000 / clock.Elapsed.TotalSeconds:0} points/s over HTTP)");
            Assert.True(acknowledged.Count >= 5, $"only {acknowledged.Count} batches were acknowledged before the kill");

            await using IMetricStore store = postgresUrl is null
                ? new SqliteMetricStore(Path.Combine(folder, "monitoring.db"))
                : new Vigil.Monitoring.Storage.Postgres.PostgresMetricStore(postgresUrl);
            await store.InitializeAsync();
            var stored = new HashSet<long>();
            await foreach (MetricPoint p in store.ReadPointsAsync("k")) stored.Add(p.Step);
            foreach (int batch in acknowledged)
                for (int s = batch * 1000; s < batch * 1000 + 1000; s++)
                    Assert.True(stored.Contains(s), $"acknowledged point {s} (batch {batch}) is missing after the kill");
        }
        finally
        {
            if (!child.HasExited) child.Kill();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
