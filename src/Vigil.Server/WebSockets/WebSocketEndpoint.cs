using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Vigil.Core;
using Vigil.Monitoring;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Server.Http;
using Vigil.Server.Logging;

namespace Vigil.Server.WebSockets;

/// <summary>
/// <c>/ws</c>: a <c>hello</c> snapshot on connect, then the hub's messages (<c>metrics_update</c>, <c>status</c>,
/// <c>system</c>, <c>epoch_end</c>, <c>alert</c>), each with <c>seq</c>, at most <c>WS_UPDATE_FREQUENCY</c> a second.
/// <c>?since=N</c> replays what a reconnecting client missed. Over <c>WS_MAX_CONNECTIONS</c> the socket is accepted and
/// closed at once with status 1013 (try again later) and a reason, so the client can show why.
/// </summary>
public static class WebSocketEndpoint
{
    /// <summary>The close status for "too many connections" (RFC 6455 registry: 1013 Try Again Later).</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapWebSocketEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.Map("/ws", HandleAsync).WithName("WebSocket").WithTags("websocket")
            .WithSummary("WebSocket stream of hello, metrics_update, status, system, epoch_end and alert messages; ?since=<seq> replays missed ones.");
        return routes;
    }

    private static async Task HandleAsync(HttpContext context, MonitoringSession session, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger(RotatingFileLoggerProvider.WebSocketCategory);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiError.Result(400, "this route speaks WebSocket only (connect with a WebSocket client)").ExecuteAsync(context);
            return;
        }
        long? since = null;
        if (context.Request.Query["since"].FirstOrDefault() is { Length: > 0 } text)
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) || parsed < 0)
            {
                await ApiError.Result(400, $"since={text} is not a sequence number").ExecuteAsync(context);
                return;
            }
            since = parsed;
        }
        string peer = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        HubClient? client = session.Hub.TryConnect(since);
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = true });
        if (client is null)
        {
            string reason = $"too many connections: the limit is {session.Hub.MaxClients} (WS_MAX_CONNECTIONS)";
            log.LogWarning("refused {Peer}: {Reason}", peer, reason);
            await socket.CloseAsync(TryAgainLater, reason, context.RequestAborted);
            return;
        }
        log.LogInformation("connected {Peer} (since {Since}; {Count} clients)", peer, since?.ToString(CultureInfo.InvariantCulture) ?? "-", session.Hub.ClientCount);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            await socket.SendAsync(Hello(session, client, since), WebSocketMessageType.Text, true, done.Token);
            client.MarkSent();
            Task receiving = ReceiveUntilClosedAsync(socket, done);
            while (await client.ReceiveAsync(done.Token) is { } message)
                await socket.SendAsync(message.Utf8Json, WebSocketMessageType.Text, true, done.Token);
            await receiving;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away or the server is stopping: the normal ends of a connection.
        }
        finally
        {
            session.Hub.Disconnect(client);
            log.LogInformation("disconnected {Peer}: sent {Sent}, coalesced {Coalesced}, dropped {Dropped}", peer, client.Sent, client.Coalesced, client.Dropped);
            if (client.Dropped > 0) log.LogWarning("{Peer} was too slow: {Dropped} messages dropped", peer, client.Dropped);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
            }
        }
    }

    // Reads (and ignores) what the client sends; its close, or a broken connection, ends the send loop too.
    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource done)
    {
        var buffer = new byte[4096];
        try
        {
            while (!done.IsCancellationRequested)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, done.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        finally
        {
            await done.CancelAsync();
        }
    }

    private static byte[] Hello(MonitoringSession session, HubClient client, long? since)
    {
        LiveStatus status = session.Status.Current;
        var series = new SortedDictionary<string, double[][]>(StringComparer.Ordinal);
        if (status.RunId is { } run)
            foreach (string name in session.Cache.SeriesOf(run))
                series[name] = session.Cache.Get(run, name).Select(p => new[] { p.Step, p.Value }).ToArray();
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "hello",
            seq = session.Hub.LastSequence,
            since,
            missed_some = client.MissedSome,
            server = new
            {
                version = VigilInfo.Version,
                update_frequency = session.Options.WsUpdateFrequency,
                max_connections = session.Options.WsMaxConnections,
                replay_buffer = session.Options.WsReplayBuffer,
                cache_size = session.Options.CacheSize,
            },
            status,
            metrics_update = session.Current,
            critical_thresholds = session.Conditions.Thresholds,
            warning_margin = session.Conditions.WarningMargin,
            series,
            timestamp = MetricsUpdateBuilder.FormatTimestamp(session.Time.GetUtcNow()),
        }, MonitoringJson.Options);
    }
}
