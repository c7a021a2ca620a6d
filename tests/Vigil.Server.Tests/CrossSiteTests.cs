using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Vigil.Core.Runs;

namespace Vigil.Server.Tests;

/// <summary>Cross-site request forgery and WebSocket hijacking against a server on loopback (no token needed there).</summary>
public sealed class CrossSiteTests
{
    private static async Task<(ServerHarness Harness, TrainingControl Control)> RunningAsync(Func<Vigil.Monitoring.Configuration.MonitoringOptions, Vigil.Monitoring.Configuration.MonitoringOptions>? tweak = null)
    {
        ServerHarness h = await ServerHarness.StartAsync(tweak);
        var control = new TrainingControl();
        h.Server.AttachRun("run-1", control);
        new RunEventPublisher("run-1", h.Server.CreateRecorder()).Publish(Fixtures.Started());
        return (h, control);
    }

    private static HttpRequestMessage Post(string path, string? origin, string? site, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (site is not null) request.Headers.Add("Sec-Fetch-Site", site);
        return request;
    }

    [Theory]
    [InlineData("https://evil.example", null)]
    [InlineData("https://evil.example", "cross-site")]
    [InlineData(null, "cross-site")]
    [InlineData("http://localhost:5173", "same-site")]
    [InlineData("null", "cross-site")]
    public async Task ACrossSitePauseIsRefusedAndTheRunGoesOn(string? origin, string? site)
    {
        (ServerHarness h, TrainingControl control) = await RunningAsync();
        await using (h)
        {
            HttpResponseMessage response = await h.Http.SendAsync(Post("api/training/pause", origin, site));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            string error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
            Assert.Contains("MONITORING_CORS_ORIGINS", error);
            Assert.Equal(ControlState.Running, control.State);
        }
    }

    [Fact]
    public async Task AFormPostFromAnotherSiteCannotResumeOrStop()
    {
        (ServerHarness h, TrainingControl control) = await RunningAsync();
        await using (h)
        {
            control.Pause("by the user");
            var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("x", "1")]);
            Assert.Equal(HttpStatusCode.Forbidden, (await h.Http.SendAsync(Post("api/training/resume", "https://evil.example", "cross-site", form))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await h.Http.SendAsync(Post("api/training/stop", "https://evil.example", "cross-site", form))).StatusCode);
            Assert.Equal(ControlState.Paused, control.State);
            Assert.False(control.IsStopRequested);
        }
    }

    [Fact]
    public async Task TheServersOwnPagesAndClientsWithoutAnOriginKeepControl()
    {
        (ServerHarness h, TrainingControl control) = await RunningAsync();
        await using (h)
        {
            string own = $"http://{h.Url.Authority}";
            Assert.Equal(HttpStatusCode.OK, (await h.Http.SendAsync(Post("api/training/pause", own, "same-origin"))).StatusCode);
            Assert.Equal(ControlState.Paused, control.State);
            Assert.Equal(HttpStatusCode.OK, (await h.Http.SendAsync(Post("api/training/resume", own, null))).StatusCode); // an older browser: Origin only
            Assert.Equal(HttpStatusCode.OK, (await h.Http.SendAsync(Post("api/training/pause", null, null))).StatusCode); // curl, a script
            // A page claiming same-origin while its Origin says otherwise is not believed.
            Assert.Equal(HttpStatusCode.Forbidden, (await h.Http.SendAsync(Post("api/training/resume", "https://evil.example", "same-origin"))).StatusCode);
        }
    }

    [Fact]
    public async Task AnOriginListedInMonitoringCorsOriginsMayControl()
    {
        (ServerHarness h, TrainingControl control) = await RunningAsync(o => o with { CorsOrigins = ["https://lab.example.org"] });
        await using (h)
        {
            Assert.Equal(HttpStatusCode.OK, (await h.Http.SendAsync(Post("api/training/pause", "https://lab.example.org", "cross-site"))).StatusCode);
            Assert.Equal(ControlState.Paused, control.State);
            Assert.Equal(HttpStatusCode.Forbidden, (await h.Http.SendAsync(Post("api/training/resume", "https://evil.example", "cross-site"))).StatusCode);
        }
    }

    [Fact]
    public async Task ACrossSiteWebSocketIsRefusedAndTheServersOwnPageIsServed()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        using var hijack = new ClientWebSocket();
        hijack.Options.SetRequestHeader("Origin", "https://evil.example");
        hijack.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => hijack.ConnectAsync(h.WebSocketUrl(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, hijack.HttpStatusCode);

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", $"http://{h.Url.Authority}");
        await own.ConnectAsync(h.WebSocketUrl(), CancellationToken.None);
        Assert.Equal("hello", (await own.ReceiveJsonAsync())!.Value.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8000")]
    [InlineData("192.168.1.20")]
    public async Task ALoopbackServerRefusesOtherHostNamesAgainstDnsRebinding(string host)
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "api/runs");
        request.Headers.Host = host;
        HttpResponseMessage response = await h.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not name this server", await response.Content.ReadAsStringAsync());
        foreach (string good in new[] { "localhost", $"localhost:{h.Url.Port}", "127.0.0.1", "[::1]" })
        {
            var ok = new HttpRequestMessage(HttpMethod.Get, "api/runs");
            ok.Headers.Host = good;
            Assert.Equal((good, HttpStatusCode.OK), (good, (await h.Http.SendAsync(ok)).StatusCode));
        }
    }

    [Fact]
    public async Task AStartSentAsAFormOrPlainTextIs415()
    {
        TrainingStartRequestProbe probe = new();
        await using ServerHarness h = await ServerHarness.StartAsync(setup: new MonitoringServerSetup { Launcher = probe.LaunchAsync });
        var text = new StringContent("{\"dataset\": \"x\"}", Encoding.UTF8, "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await h.Http.PostAsync("api/training/start", text)).StatusCode);
        var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("dataset", "x")]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await h.Http.PostAsync("api/training/start", form)).StatusCode);
        Assert.Equal(0, probe.Calls);
    }

    private sealed class TrainingStartRequestProbe
    {
        public int Calls { get; private set; }

        public Task<string> LaunchAsync(Vigil.Monitoring.Control.TrainingStartRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult("probe");
        }
    }
}
