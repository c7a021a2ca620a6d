using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Vigil.Core.Runs;
using Vigil.Monitoring.Remote;
using Vigil.Monitoring.Tests;

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
    public async Task PointsGatheredBetweenTicksGoInOneRequestAtTheUpdateInterval()
    {
        var clock = new ManualClock();
        var server = new FakeServer();
        await using var remote = new RemoteRunObserver(FakeServer.Url, new MonitorCallbackOptions { UpdateFrequency = 10, EnableSystemMonitoring = false }, http: server.Client, time: clock);
        var publisher = new RunEventPublisher("remote-2", remote);
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 25));
        for (int b = 1; b <= 20; b++) publisher.Publish(Fixtures.Batch(1, b, 25, 0.5));
        await clock.WhenTimersAsync().WaitAsync(Generous); // the send loop waits on the clock

        Assert.Equal(0, server.Count); // nothing before the first tick, however much was published
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("api/runs", (await server.NextAsync()).Path);
        (string path, JsonElement body) = await server.NextAsync();
        Assert.Equal("api/runs/remote-2/log", path);
        Assert.Equal(Enumerable.Range(1, 20), LossSteps(body)); // twenty batches, one request
        Assert.Equal(20, body.GetProperty("metrics_update").GetProperty("batch").GetInt32());
        await remote.FlushAsync(); // the tick's send is over (nothing was left for the flush to send)
        Assert.Equal(2, server.Count);

        for (int b = 21; b <= 25; b++) publisher.Publish(Fixtures.Batch(1, b, 25, 0.5));
        clock.Advance(TimeSpan.FromMilliseconds(50)); // half an interval: the loop still waits
        Assert.Equal(2, server.Count);
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(Enumerable.Range(21, 5), LossSteps((await server.NextAsync()).Body));
        await remote.FlushAsync();
        Assert.Equal(3, server.Count);
        Assert.Equal(0, remote.Failures);
    }

    [Fact]
    public async Task AFailedSendIsRetriedAtTheNextTickWithItsWorkInOrder()
    {
        var clock = new ManualClock();
        // The first log request fails as an overloaded server's would; every other one is taken.
        var server = new FakeServer { Answer = (_, number) => new HttpResponseMessage(number == 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK) { Content = new StringContent("busy") } };
        await using var remote = new RemoteRunObserver(FakeServer.Url, new MonitorCallbackOptions { UpdateFrequency = 10, EnableSystemMonitoring = false }, http: server.Client, time: clock);
        var publisher = new RunEventPublisher("remote-3", remote);
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 4));
        for (int b = 1; b <= 3; b++) publisher.Publish(Fixtures.Batch(1, b, 4, 0.5));
        await clock.WhenTimersAsync().WaitAsync(Generous);

        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("api/runs", (await server.NextAsync()).Path);
        Assert.Equal(new[] { 1, 2, 3 }, LossSteps((await server.NextAsync()).Body)); // refused
        publisher.Publish(Fixtures.Batch(1, 4, 4, 0.5)); // arrives while the failed work waits to be sent again
        clock.Advance(TimeSpan.FromMilliseconds(100));
        (string path, JsonElement retry) = await server.NextAsync();
        Assert.Equal("api/runs/remote-3/log", path);
        Assert.Equal(new[] { 1, 2, 3, 4 }, LossSteps(retry)); // the refused points first, nothing lost or repeated
        Assert.Equal(1, remote.Failures);
        Assert.Contains("503", remote.LastError);
        await remote.FlushAsync();
        Assert.Equal(0, remote.Dropped);
        Assert.Equal(retry.GetProperty("points").GetArrayLength(), remote.SentPoints);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerNeverSlowsTheTrainer()
    {
        var clock = new ManualClock();
        var refuse = new TaskCompletionSource();
        // Requests hang until the test lets them fail as a refused connection does.
        var server = new FakeServer { Answer = (_, _) => throw new HttpRequestException("connection refused"), Hold = refuse.Task };
        var remote = new RemoteRunObserver(FakeServer.Url, new MonitorCallbackOptions { UpdateFrequency = 50, MaxPendingPoints = 1000, EnableSystemMonitoring = false }, http: server.Client, time: clock);
        var publisher = new RunEventPublisher("offline", remote);
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 5000));
        await clock.WhenTimersAsync().WaitAsync(Generous);
        clock.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal("api/runs", (await server.NextAsync()).Path); // and it hangs

        // The trainer's 5,000 batches are all handed over while that request hangs (per-batch cost: the
        // monitor-observers benchmark); what cannot be held is dropped, oldest first.
        await Task.Run(() =>
        {
            for (int b = 1; b <= 5000; b++) publisher.Publish(Fixtures.Batch(1, b, 5000, 0.5));
        }).WaitAsync(Generous);
        Assert.Equal(1, server.Count);
        Assert.True(remote.Dropped >= 5000 * 3 - 1000, $"dropped {remote.Dropped}"); // bounded: at most 1,000 points held

        refuse.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => remote.FlushAsync());
        Assert.True(remote.Failures > 0);
        Assert.Contains("HttpRequestException", remote.LastError);
        await remote.DisposeAsync();
    }

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static int[] LossSteps(JsonElement body) =>
        body.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("series").GetString() == "loss/train").Select(p => p.GetProperty("step").GetInt32()).ToArray();

    /// <summary>Stands in for the monitoring server: records each request in order and answers as the test says.</summary>
    private sealed class FakeServer : HttpMessageHandler
    {
        private readonly Channel<(string Path, JsonElement Body)> _requests = Channel.CreateUnbounded<(string, JsonElement)>();
        private HttpClient? _client;
        private int _count;

        public static Uri Url { get; } = new("http://monitor.test/");

        /// <summary>The answer to a request, by path and number (from 1); 200 by default.</summary>
        public Func<string, int, HttpResponseMessage> Answer { get; init; } = (_, _) => new HttpResponseMessage(HttpStatusCode.OK);

        /// <summary>Requests wait for this before they are answered.</summary>
        public Task Hold { get; init; } = Task.CompletedTask;

        public HttpClient Client => _client ??= new HttpClient(this, disposeHandler: false);

        public int Count => Volatile.Read(ref _count);

        public async Task<(string Path, JsonElement Body)> NextAsync() => await _requests.Reader.ReadAsync().AsTask().WaitAsync(Generous);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using JsonDocument body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            int number = Interlocked.Increment(ref _count);
            _requests.Writer.TryWrite((request.RequestUri!.AbsolutePath.TrimStart('/'), body.RootElement.Clone()));
            await Hold.WaitAsync(cancellationToken);
            return Answer(request.RequestUri.AbsolutePath.TrimStart('/'), number);
        }
    }
}
