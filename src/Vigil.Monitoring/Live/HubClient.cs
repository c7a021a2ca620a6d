using System.Threading.Channels;

namespace Vigil.Monitoring.Live;

/// <summary>
/// One client's mailbox: a slot per coalescing type (a newer message replaces the waiting one) and a bounded queue for
/// the rest (on overflow the oldest is dropped and counted). <see cref="ReceiveAsync"/> hands out messages in sequence
/// order no faster than the hub's rate, so a client never gets more than <c>WS_UPDATE_FREQUENCY</c> messages a second.
/// </summary>
public sealed class HubClient
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HubMessage> _latest = new(StringComparer.Ordinal);
    private readonly Queue<HubMessage> _queue = new();
    private readonly int _queueCapacity;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    // A one-slot "something arrived" signal: offers never block, the reader wakes at most once per burst.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _nextSendTicks; // 0: nothing sent yet, no wait
    private long _coalesced, _dropped, _sent;

    /// <summary>Sends are spaced this many times 1/frequency apart (see the constructor).</summary>
    internal const double SpacingMargin = 1.05;

    internal HubClient(MessageHub hub, double messagesPerSecond, int queueCapacity, TimeProvider time)
    {
        Hub = hub;
        _queueCapacity = queueCapacity;
        _time = time;
        // 5 % above 1/f: sends spaced exactly 1/f apart reach a client with delivery jitter, and an early arrival can
        // put f + 1 messages in one of its seconds; the margin absorbs up to ~50 ms of jitter per second.
        _interval = TimeSpan.FromSeconds(SpacingMargin / messagesPerSecond);
        ConnectedAt = time.GetUtcNow();
    }

    /// <summary>The hub it belongs to.</summary>
    public MessageHub Hub { get; }

    /// <summary>When it connected.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>True when it reconnected from a sequence number older than the replay buffer holds (it should reload).</summary>
    public bool MissedSome { get; internal set; }

    /// <summary>Messages replaced by a newer one of the same type before they were sent.</summary>
    public long Coalesced => Interlocked.Read(ref _coalesced);

    /// <summary>Non-coalescing messages dropped because its queue was full (the client is too slow).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages handed out by <see cref="ReceiveAsync"/> or counted by <see cref="MarkSent"/>.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages waiting.</summary>
    public int Waiting
    {
        get { lock (_gate) return _queue.Count + _latest.Count; }
    }

    /// <summary>
    /// Waits for the next message and for the client's rate to allow it, then returns it (the oldest waiting by
    /// sequence). Returns null once the client is closed.
    /// </summary>
    public async ValueTask<HubMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            long next = Volatile.Read(ref _nextSendTicks);
            long wait = next == 0 ? 0 : next - _time.GetTimestamp();
            if (wait > 0)
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)_time.TimestampFrequency), _time, cancellationToken).ConfigureAwait(false);
            if (TryTake(out HubMessage? message))
            {
                MarkSent();
                return message;
            }
            if (!await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return TryTake(out message) ? message : null;
            _signal.Reader.TryRead(out _);
        }
    }

    /// <summary>Counts a message sent outside <see cref="ReceiveAsync"/> (the <c>hello</c>) against the rate.</summary>
    public void MarkSent()
    {
        Interlocked.Increment(ref _sent);
        Volatile.Write(ref _nextSendTicks, _time.GetTimestamp() + (long)(_interval.TotalSeconds * _time.TimestampFrequency));
    }

    internal void Offer(HubMessage message)
    {
        lock (_gate)
        {
            if (message.Coalesces)
            {
                if (_latest.ContainsKey(message.Type)) Interlocked.Increment(ref _coalesced);
                _latest[message.Type] = message;
            }
            else
            {
                if (_queue.Count >= _queueCapacity)
                {
                    _queue.Dequeue();
                    Interlocked.Increment(ref _dropped);
                }
                _queue.Enqueue(message);
            }
        }
        _signal.Writer.TryWrite(true);
    }

    internal void Close() => _signal.Writer.TryComplete();

    private bool TryTake(out HubMessage? message)
    {
        lock (_gate)
        {
            message = _queue.Count > 0 ? _queue.Peek() : null;
            foreach (HubMessage candidate in _latest.Values)
                if (message is null || candidate.Sequence < message.Sequence) message = candidate;
            if (message is null) return false;
            if (message.Coalesces) _latest.Remove(message.Type);
            else _queue.Dequeue();
            return true;
        }
    }
}
