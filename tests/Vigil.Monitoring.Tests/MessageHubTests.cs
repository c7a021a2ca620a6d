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
        // The rate is checked on a clock the test moves: each send must wait out the spacing, and whatever was
        // published meanwhile reaches the client as its latest message only.
        var clock = new ManualClock();
        const double perSecond = 10;
        var hub = new MessageHub(1000, messagesPerSecond: perSecond, maxClients: 5, time: clock);
        TimeSpan spacing = TimeSpan.FromSeconds(HubClient.SpacingMargin / perSecond);
        HubClient client = hub.TryConnect()!;
        int n = 0;
        for (int i = 0; i < 10; i++) hub.Publish("metrics_update", new { n = ++n });
        Assert.Equal(10, Parse((await client.ReceiveAsync().AsTask().WaitAsync(Generous))!).GetProperty("n").GetInt32()); // the first goes at once
        DateTimeOffset lastSend = clock.GetUtcNow();
        for (int send = 0; send < 20; send++)
        {
            for (int i = 0; i < 10; i++) hub.Publish("metrics_update", new { n = ++n });
            ValueTask<HubMessage?> next = client.ReceiveAsync();
            clock.Advance(TimeSpan.FromSeconds(1 / perSecond)); // exactly 1/f later: still too early
            Assert.False(next.IsCompleted, $"send {send} went out {(clock.GetUtcNow() - lastSend).TotalMilliseconds} ms after the previous one");
            clock.Advance(spacing - TimeSpan.FromSeconds(1 / perSecond));
            HubMessage message = (await next.AsTask().WaitAsync(Generous))!;
            Assert.Equal(n, Parse(message).GetProperty("n").GetInt32());
            Assert.Equal(spacing, clock.GetUtcNow() - lastSend);
            lastSend = clock.GetUtcNow();
        }
        // 21 messages out of 210 published, never two within 1/f of each other, so never more than f in a second.
        Assert.Equal(21, client.Sent);
        Assert.Equal(210 - 21, client.Coalesced);
        Assert.Equal(0, client.Waiting);
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
