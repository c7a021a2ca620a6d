using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Systems;

namespace Vigil.Server.Tests;

/// <summary>A real server on a free loopback port, its temp folder, and an HttpClient pointed at it.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(string folder, MonitoringServer server, Uri url)
    {
        Folder = folder;
        Server = server;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Folder { get; }
    public MonitoringServer Server { get; }
    public Uri Url { get; }
    public HttpClient Http { get; }

    public static async Task<ServerHarness> StartAsync(Func<MonitoringOptions, MonitoringOptions>? tweak = null, MonitoringServerSetup? setup = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "vigil-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new MonitoringOptions { Host = "127.0.0.1", Port = 0, DbPath = Path.Combine(folder, "monitoring.db"), LogDirectory = folder };
        if (tweak is not null) options = tweak(options);
        setup ??= new MonitoringServerSetup();
        setup = setup with { Sampler = setup.Sampler ?? new SystemSampler(folder, probeGpu: false), SampleSystem = false };
        var server = new MonitoringServer(options, setup);
        Uri url = await server.StartAsync();
        return new ServerHarness(folder, server, url);
    }

    public Uri WebSocketUrl(string query = "") => new($"ws://{Url.Authority}/ws{query}");

    public async Task<ClientWebSocket> ConnectAsync(string query = "")
    {
        var socket = new ClientWebSocket();
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;
        // The token the HTTP client carries, if any, opens the live stream too.
        if (Http.DefaultRequestHeaders.Authorization is { } auth) socket.Options.SetRequestHeader("Authorization", auth.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(WebSocketUrl(query), timeout.Token);
        return socket;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => Http.PostAsJsonAsync(path, body);

    public Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        HttpResponseMessage response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class WebSocketReading
{
    /// <summary>The next whole text message as JSON, or null when the server closed.</summary>
    public static async Task<JsonElement?> ReceiveJsonAsync(this ClientWebSocket socket, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(message.ToArray()).RootElement;
        }
    }

    /// <summary>Reads messages until one of <paramref name="type"/> arrives.</summary>
    public static async Task<JsonElement> ReceiveTypeAsync(this ClientWebSocket socket, string type, TimeSpan? timeout = null)
    {
        DateTime end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < end)
        {
            JsonElement? message = await socket.ReceiveJsonAsync(end - DateTime.UtcNow);
            if (message is null) throw new InvalidOperationException("the server closed the socket");
            if (message.Value.GetProperty("type").GetString() == type) return message.Value;
        }
        throw new TimeoutException($"no {type} message");
    }
}
