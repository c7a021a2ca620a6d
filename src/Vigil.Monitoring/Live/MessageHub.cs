using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Monitoring.Live;

/// <summary>
/// Fans messages out to WebSocket clients. Publishing stamps a sequence number, serialises once, keeps the message in
/// a rolling replay buffer and offers it to every client's mailbox; it never waits on a client. Each client drains
/// its own mailbox at its own pace (see <see cref="HubClient"/>), so a slow client cannot slow the trainer or the others.
/// </summary>
public sealed class MessageHub
{
    /// <summary>Types where only the newest matters: between two sends a client gets the latest, not a backlog.</summary>
    public static IReadOnlySet<string> CoalescingTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "metrics_update", "status", "system" };

    private readonly object _gate = new();
    private readonly RollingBuffer<HubMessage> _replay;
    private readonly List<HubClient> _clients = [];
    private readonly TimeProvider _time;
    private long _sequence, _published, _refused;

    /// <summary>Creates a hub.</summary>
    /// <param name="replayCapacity">Messages kept for reconnecting clients.</param>
    /// <param name="messagesPerSecond">Most messages per second to one client.</param>
    /// <param name="maxClients">Most clients at once.</param>
    /// <param name="queueCapacity">Non-coalescing messages a client may have waiting before the oldest is dropped.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    public MessageHub(int replayCapacity, double messagesPerSecond, int maxClients, int queueCapacity = 256, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        if (!(messagesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(messagesPerSecond), messagesPerSecond, "must be positive");
        _replay = new RollingBuffer<HubMessage>(replayCapacity);
        MessagesPerSecond = messagesPerSecond;
        MaxClients = maxClients;
        QueueCapacity = queueCapacity;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Most messages per second to one client.</summary>
    public double MessagesPerSecond { get; }

    /// <summary>Most clients at once.</summary>
    public int MaxClients { get; }

    /// <summary>Per-client queue bound for non-coalescing messages.</summary>
    public int QueueCapacity { get; }

    /// <summary>The last sequence number issued (0 before the first message).</summary>
    public long LastSequence
    {
        get { lock (_gate) return _sequence; }
    }

    /// <summary>Clients connected now.</summary>
    public int ClientCount
    {
        get { lock (_gate) return _clients.Count; }
    }

    /// <summary>Messages published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Connections refused for being over <see cref="MaxClients"/>.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The clients connected now.</summary>
    public IReadOnlyList<HubClient> Clients
    {
        get { lock (_gate) return _clients.ToArray(); }
    }

    /// <summary>Publishes <paramref name="payload"/> (serialised with <see cref="MonitoringJson.Options"/>) as a message of <paramref name="type"/>.</summary>
    /// <returns>The message, with its sequence number.</returns>
    public HubMessage Publish<T>(string type, T payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        // Serialised outside the lock; only numbering and the final write happen inside, so publishers stay quick.
        JsonObject body = JsonSerializer.SerializeToNode(payload, MonitoringJson.Options) as JsonObject
            ?? throw new ArgumentException("a hub message payload must serialise to a JSON object", nameof(payload));
        body.Remove("type");
        body.Remove("seq");
        HubMessage message;
        HubClient[] clients;
        lock (_gate)
        {
            long sequence = ++_sequence;
            var ordered = new JsonObject { ["type"] = type, ["seq"] = sequence };
            foreach (string key in body.Select(p => p.Key).ToArray())
            {
                JsonNode? value = body[key];
                body.Remove(key);
                ordered[key] = value;
            }
            message = new HubMessage(sequence, type, JsonSerializer.SerializeToUtf8Bytes(ordered, MonitoringJson.Options));
            _replay.Add(message);
            clients = _clients.ToArray();
            // Offered inside the lock so a client connecting now sees each message exactly once: in its replay or here.
            foreach (HubClient client in clients) client.Offer(message);
        }
        Interlocked.Increment(ref _published);
        return message;
    }

    /// <summary>
    /// Registers a client, or returns null when <see cref="MaxClients"/> are connected. With <paramref name="since"/>
    /// (the last sequence number it saw), what it missed is queued first: every non-coalescing message and the latest
    /// of each coalescing type; <see cref="HubClient.MissedSome"/> tells when the buffer no longer reaches back that far.
    /// </summary>
    public HubClient? TryConnect(long? since = null)
    {
        lock (_gate)
        {
            if (_clients.Count >= MaxClients)
            {
                Interlocked.Increment(ref _refused);
                return null;
            }
            var client = new HubClient(this, MessagesPerSecond, QueueCapacity, _time);
            if (since is { } after)
            {
                HubMessage[] buffered = _replay.Snapshot();
                long oldest = buffered.Length > 0 ? buffered[0].Sequence : _sequence + 1;
                client.MissedSome = after < oldest - 1 && after < _sequence;
                foreach (HubMessage message in buffered)
                    if (message.Sequence > after) client.Offer(message);
            }
            _clients.Add(client);
            return client;
        }
    }

    /// <summary>Removes a client (idempotent).</summary>
    public void Disconnect(HubClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_gate) _clients.Remove(client);
        client.Close();
    }

    /// <summary>The replay buffer's messages after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<HubMessage> Since(long since) => _replay.Where(m => m.Sequence > since);
}
