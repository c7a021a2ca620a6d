using System.Diagnostics;
using System.Text.Json;
using Vigil.Monitoring.Live;

namespace Vigil.Monitoring.Tests;

public sealed class MessageHubTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static JsonElement Parse(HubMessage message) => JsonDocument.Parse(message.Utf8Json).RootElement;

    [Fact]
    public async Task MessagesCarryTypeAndSequenceFirst()
    {
        var hub = new MessageHub(10, 1000, 5);
        HubClient client = hub.TryConnect()!;
        hub.Publish("alert", new { condition = "RAO", type = "ignored", seq = -1 });
        HubMessage message = (await client.ReceiveAsync().AsTask().WaitAsync(Generous))!;
        JsonElement json = Parse(message);
        Assert.Equal(["type", "seq", "condition"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("alert", json.GetProperty("type").GetString());
        Assert.Equal(1, json.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task UpdatesBetweenSendsAreCoalescedLatestWinsAndTheRateIsKept()
    {
        var hub = new MessageHub(1000, messagesPerSecond: 10, maxClients: 5);
        HubClient client = hub.TryConnect()!;
        var received = new List<int>();
        using var stop = new CancellationTokenSource();
        Task reader = Task.Run(async () =>
        {
            try
            {
                while (await client.ReceiveAsync(stop.Token) is { } m) received.Add(Parse(m).GetProperty("n").GetInt32());
            }
            catch (OperationCanceledException) { }
        });
        var clock = Stopwatch.StartNew();
        for (int n = 1; n <= 100; n++)
        {
            hub.Publish("metrics_update", new { n });
            await Task.Delay(5);
        }
        await Task.Delay(250); // lets the last one through
        double seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        await reader;

        Assert.True(received.Count <= 10 * seconds + 1, $"{received.Count} messages in {seconds:0.00} s");
        Assert.True(received.Count >= 2);
        Assert.Equal(100, received[^1]);
        Assert.Equal(received.Order(), received);
        Assert.True(client.Coalesced > 50);
    }

    [Fact]
    public async Task ImportantMessagesQueueInOrderAndASlowClientOnlyLosesItsOwnOldest()
    {
        var hub = new MessageHub(1000, 1000, 5, queueCapacity: 3);
        HubClient slow = hub.TryConnect()!;
        for (int n = 1; n <= 5; n++) hub.Publish("epoch_end", new { n });
        hub.Publish("metrics_update", new { n = 6 });
        var got = new List<int>();
        for (int i = 0; i < 4; i++) got.Add(Parse((await slow.ReceiveAsync().AsTask().WaitAsync(Generous))!).GetProperty("n").GetInt32());
        Assert.Equal([3, 4, 5, 6], got);
        Assert.Equal(2, slow.Dropped);
    }

    [Fact]
    public async Task AReconnectingClientGetsWhatItMissed()
    {
        var hub = new MessageHub(100, 1000, 5);
        hub.Publish("status", new { state = "running" });        // 1
        hub.Publish("metrics_update", new { n = 1 });             // 2
        hub.Publish("epoch_end", new { epoch = 1 });              // 3
        hub.Publish("metrics_update", new { n = 2 });             // 4
        hub.Publish("alert", new { condition = "RAO" });          // 5

        HubClient client = hub.TryConnect(since: 2)!;
        Assert.False(client.MissedSome);
        var sequences = new List<long>();
        for (int i = 0; i < 3; i++) sequences.Add((await client.ReceiveAsync().AsTask().WaitAsync(Generous))!.Sequence);
        Assert.Equal([3, 4, 5], sequences);
        Assert.Equal(0, client.Waiting);
    }

    [Fact]
    public void AClientTooFarBehindTheBufferIsToldSo()
    {
        var hub = new MessageHub(2, 1000, 5);
        for (int n = 0; n < 10; n++) hub.Publish("epoch_end", new { n });
        Assert.True(hub.TryConnect(since: 3)!.MissedSome);
        Assert.False(hub.TryConnect(since: 8)!.MissedSome);
        Assert.False(hub.TryConnect(since: 10)!.MissedSome);
    }

    [Fact]
    public void ConnectionsOverTheLimitAreRefused()
    {
        var hub = new MessageHub(10, 10, maxClients: 2);
        HubClient first = hub.TryConnect()!;
        Assert.NotNull(hub.TryConnect());
        Assert.Null(hub.TryConnect());
        Assert.Equal(1, hub.Refused);
        hub.Disconnect(first);
        Assert.NotNull(hub.TryConnect());
    }

    [Fact]
    public async Task DisconnectEndsAWaitingReceive()
    {
        var hub = new MessageHub(10, 10, 2);
        HubClient client = hub.TryConnect()!;
        ValueTask<HubMessage?> waiting = client.ReceiveAsync();
        hub.Disconnect(client);
        Assert.Null(await waiting.AsTask().WaitAsync(Generous));
    }
}
