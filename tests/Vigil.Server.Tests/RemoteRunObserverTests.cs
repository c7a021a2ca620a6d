using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Remote;

namespace Vigil.Server.Tests;

public sealed class RemoteRunObserverTests
{
    [Fact]
    public async Task ARunInAnotherProcessReachesTheServerInOrder()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = "t0ken" });
        h.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "t0ken");
        using ClientWebSocket socket = await h.ConnectAsync();
        await socket.ReceiveTypeAsync("hello");
        var options = new MonitorCallbackOptions { UpdateFrequency = 20, CriticalThresholds = new Dictionary<string, double> { ["RAO"] = 0.99 }, EnableSystemMonitoring = false };
        await using (var remote = new RemoteRunObserver(h.Url, options, token: "t0ken"))
        {
            var publisher = new RunEventPublisher("remote-1", remote);
            publisher.Publish(Fixtures.Started(epochs: 1, batches: 3));
            for (int b = 1; b <= 3; b++) publisher.Publish(Fixtures.Batch(1, b, 3, loss: b == 2 ? double.NaN : 1.0 / b));
            publisher.Publish(Fixtures.Epoch(1, 1, 3, raoSensitivity: 0.9));
            publisher.Publish(new RunStatusChanged { Status = RunStatus.Completed, Previous = RunStatus.Running });
            await remote.FlushAsync();
            Assert.Equal(0, remote.Dropped);
            Assert.True(remote.SentPoints > 10);
        }

        JsonElement run = (await h.GetJsonAsync("api/runs/remote-1")).GetProperty("run");
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal("retina", run.GetProperty("config").GetProperty("dataset").GetString());
        JsonElement loss = (await h.GetJsonAsync("api/metrics/history?run=remote-1&series=loss/train")).GetProperty("series")[0];
        Assert.Equal(3, loss.GetProperty("total_points").GetInt64());
        Assert.Equal(JsonValueKind.Null, loss.GetProperty("buckets")[1].GetProperty("last").ValueKind); // the NaN batch
        Assert.Equal(9, (await h.GetJsonAsync("api/runs/remote-1/confusion")).GetProperty("confusion_matrix")[1][1].GetInt32());
        JsonElement current = await h.GetJsonAsync("api/metrics/current");
        Assert.Equal("critical", current.GetProperty("metrics").GetProperty("critical_conditions").GetProperty("RAO").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, current.GetProperty("system").GetProperty("gpu_usage").ValueKind);
        JsonElement epochEnd = await socket.ReceiveTypeAsync("epoch_end");
        Assert.Equal("RAO", epochEnd.GetProperty("classes")[1].GetString());
    }

    [Fact]
    public async Task AnUnreachableServerNeverSlowsTheTrainer()
    {
        // A port nothing listens on: bind one, note it, release it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var remote = new RemoteRunObserver(new Uri($"http://127.0.0.1:{port}/"), new MonitorCallbackOptions { UpdateFrequency = 50, MaxPendingPoints = 1000, EnableSystemMonitoring = false });
        var publisher = new RunEventPublisher("offline", remote);
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 5000));
        var clock = Stopwatch.StartNew();
        for (int b = 1; b <= 5000; b++) publisher.Publish(Fixtures.Batch(1, b, 5000, 0.5));
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"5,000 batches took {clock.Elapsed.TotalMilliseconds:0} ms");
        await Assert.ThrowsAsync<HttpRequestException>(() => remote.FlushAsync());
        Assert.True(remote.Failures > 0);
        Assert.True(remote.Dropped >= 5000 * 3 - 1000, $"dropped {remote.Dropped}"); // bounded: at most 1,000 points held
        Assert.Contains("HttpRequestException", remote.LastError);
        await remote.DisposeAsync();
    }
}
