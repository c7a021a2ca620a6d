using System.Net.WebSockets;
using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Tests;

namespace Vigil.Server.Tests;

public sealed class WebSocketTests
{
    [Fact]
    public async Task HelloThenMetricsUpdatesWithSequenceNumbersAndCompression()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        var publisher = new RunEventPublisher("run-ws", h.Server.CreateRecorder());
        publisher.Publish(Fixtures.Started());
        publisher.Publish(Fixtures.Batch(1, 1, 4, 0.9));

        using ClientWebSocket socket = await h.ConnectAsync();
        Assert.Contains("permessage-deflate", string.Join(";", socket.HttpResponseHeaders!["Sec-WebSocket-Extensions"]));
        JsonElement hello = (await socket.ReceiveJsonAsync())!.Value;
        Assert.Equal("hello", hello.GetProperty("type").GetString());
        Assert.Equal("run-ws", hello.GetProperty("status").GetProperty("run_id").GetString());
        Assert.Equal(0.9, hello.GetProperty("series").GetProperty("loss/train")[0][1].GetDouble());
        Assert.Equal(10, hello.GetProperty("server").GetProperty("update_frequency").GetDouble());
        long helloSeq = hello.GetProperty("seq").GetInt64();

        publisher.Publish(Fixtures.Batch(1, 2, 4, 0.4));
        JsonElement update = await socket.ReceiveTypeAsync("metrics_update");
        Assert.Equal(2, update.GetProperty("batch").GetInt32());
        Assert.Equal(4, update.GetProperty("total_batches").GetInt32());
        Assert.True(update.GetProperty("seq").GetInt64() > helloSeq);
        Assert.Equal(0.65, update.GetProperty("metrics").GetProperty("loss").GetProperty("train").GetDouble(), 9);
    }

    [Fact]
    public async Task EachClientIsThrottledAndGetsTheLatestUpdate()
    {
        // The server's clock only moves when the test says so: each message waits for the clock to pass the client's
        // next send time (the exact spacing is MessageHubTests'), and what was published meanwhile arrives coalesced.
        var clock = new ManualClock();
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { WsUpdateFrequency = 5 }, new MonitoringServerSetup { Time = clock });
        using ClientWebSocket socket = await h.ConnectAsync();
        await socket.ReceiveTypeAsync("hello");
        var publisher = new RunEventPublisher("run-t", h.Server.CreateRecorder());
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 100));
        for (int b = 1; b <= 100; b++) publisher.Publish(Fixtures.Batch(1, b, 100, 1.0));

        var received = new List<JsonElement>();
        while (received.Count < 10 && !received.Any(m => m.GetProperty("type").GetString() == "metrics_update" && m.GetProperty("batch").GetInt32() == 100))
        {
            // The hello counted against the rate, so the sender is waiting on the clock before every message.
            await clock.WhenTimersAsync().WaitAsync(TimeSpan.FromSeconds(30));
            // More than one send spacing (1/f and the hub's 5 % margin) and less than two: one message per step.
            clock.Advance(TimeSpan.FromSeconds(1.5 / 5));
            received.Add((await socket.ReceiveJsonAsync())!.Value);
        }

        // Publishing 101 events left one status and one metrics_update waiting: two messages, one per step of the clock.
        Assert.Equal(["status", "metrics_update"], received.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(100, received[^1].GetProperty("batch").GetInt32());
        HubClient client = Assert.Single(h.Server.Session.Hub.Clients);
        Assert.Equal(received.Count + 1, client.Sent); // and the hello
        Assert.True(client.Coalesced >= 99, $"only {client.Coalesced} updates coalesced");
        long[] sequences = received.Select(m => m.GetProperty("seq").GetInt64()).ToArray();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public async Task ConnectionOverTheLimitIsClosedWithAReason()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { WsMaxConnections = 2 });
        using ClientWebSocket first = await h.ConnectAsync();
        using ClientWebSocket second = await h.ConnectAsync();
        await first.ReceiveTypeAsync("hello");
        await second.ReceiveTypeAsync("hello");
        using ClientWebSocket third = await h.ConnectAsync();
        Assert.Null(await third.ReceiveJsonAsync());
        Assert.Equal((WebSocketCloseStatus)1013, third.CloseStatus);
        Assert.Contains("WS_MAX_CONNECTIONS", third.CloseStatusDescription);
        Assert.Equal(1, h.Server.Session.Hub.Refused);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        // The server notices the close on its own schedule; the limit frees up once it has.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); h.Server.Session.Hub.ClientCount > 1; await Task.Delay(20))
            Assert.True(DateTime.UtcNow < deadline, "the closed client still counts against the limit after 30 s");
        using ClientWebSocket fourth = await h.ConnectAsync();
        Assert.Equal("hello", (await fourth.ReceiveJsonAsync())!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AReconnectingClientGetsWhatItMissed()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        var publisher = new RunEventPublisher("run-r", h.Server.CreateRecorder());
        publisher.Publish(Fixtures.Started(epochs: 3, batches: 2));
        long lastSeen;
        using (ClientWebSocket socket = await h.ConnectAsync())
        {
            lastSeen = (await socket.ReceiveTypeAsync("hello")).GetProperty("seq").GetInt64();
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "network blip", CancellationToken.None);
        }
        publisher.Publish(Fixtures.Batch(1, 1, 2, 0.5));
        publisher.Publish(Fixtures.Epoch(1, 3, 2, 0.99));
        publisher.Publish(Fixtures.Batch(2, 1, 2, 0.3));

        using ClientWebSocket again = await h.ConnectAsync($"?since={lastSeen}");
        JsonElement hello = (await again.ReceiveJsonAsync())!.Value;
        Assert.False(hello.GetProperty("missed_some").GetBoolean());
        JsonElement epochEnd = await again.ReceiveTypeAsync("epoch_end");
        Assert.Equal(1, epochEnd.GetProperty("epoch").GetInt32());
        Assert.Equal(3, epochEnd.GetProperty("confusion_matrix")[2][2].GetInt32());
        Assert.True(epochEnd.GetProperty("seq").GetInt64() > lastSeen);
        JsonElement update = await again.ReceiveTypeAsync("metrics_update");
        Assert.Equal((2, 1), (update.GetProperty("epoch").GetInt32(), update.GetProperty("batch").GetInt32())); // the latest, not each missed one
    }

    [Fact]
    public async Task AStalledClientNeitherGrowsNorHoldsBackTheOthers()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { WsUpdateFrequency = 1000 });
        using ClientWebSocket stalled = await h.ConnectAsync(); // never reads
        using ClientWebSocket active = await h.ConnectAsync();
        await active.ReceiveTypeAsync("hello");
        var publisher = new RunEventPublisher("run-s", h.Server.CreateRecorder());
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 3000));
        // Publishing never waits on a client: it ends although one never reads (how fast: monitor-observers benchmark).
        await Task.Run(() =>
        {
            for (int b = 1; b <= 3000; b++) publisher.Publish(Fixtures.Batch(1, b, 3000, 1.0));
        }).WaitAsync(TimeSpan.FromSeconds(30));
        JsonElement update;
        do update = await active.ReceiveTypeAsync("metrics_update");
        while (update.GetProperty("batch").GetInt32() < 3000);
        Assert.All(h.Server.Session.Hub.Clients, c => Assert.True(c.Waiting <= 3, $"a client has {c.Waiting} messages waiting"));
    }

    [Fact]
    public async Task PlainHttpOnTheSocketRouteIs400()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        HttpResponseMessage response = await h.Http.GetAsync("ws");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync());
    }
}
