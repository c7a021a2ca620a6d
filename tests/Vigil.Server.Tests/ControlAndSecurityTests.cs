using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Configuration;

namespace Vigil.Server.Tests;

public sealed class ControlAndSecurityTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ServerHarness h, string path, object? body = null)
    {
        HttpResponseMessage response = body is null ? await h.Http.PostAsync(path, null) : await h.PostJsonAsync(path, body);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task InvalidTransitionsAre409WithTheCurrentState()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        (HttpStatusCode status, JsonElement body) = await PostAsync(h, "api/training/pause");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("idle", body.GetProperty("state").GetString());

        var control = new TrainingControl();
        h.Server.AttachRun("run-1", control);
        new RunEventPublisher("run-1", h.Server.CreateRecorder()).Publish(Fixtures.Started());

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(h, "api/training/resume")).Status);
        (status, body) = await PostAsync(h, "api/training/pause");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("paused", body.GetProperty("state").GetString());
        Assert.Equal(ControlState.Paused, control.State);
        (status, body) = await PostAsync(h, "api/training/pause");
        Assert.Equal((HttpStatusCode.Conflict, "paused"), (status, body.GetProperty("state").GetString()));
        Assert.Contains("cannot pause a run that is paused", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(h, "api/training/resume")).Status);
        Assert.Equal(ControlState.Running, control.State);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(h, "api/training/stop")).Status);
        Assert.True(control.IsStopRequested);
        Assert.Equal("stopped from the API", control.StopReason);
        (status, body) = await PostAsync(h, "api/training/resume");
        Assert.Equal((HttpStatusCode.Conflict, "stopping"), (status, body.GetProperty("state").GetString()));
        // No launcher in this host: start is refused, not pretended.
        (status, body) = await PostAsync(h, "api/training/start", new { dataset = "/data/x", phase = "supervised", epochs = 1 });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("stopping", body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task StartCallsTheLauncherWithTheRequest()
    {
        TrainingStartRequest? seen = null;
        await using ServerHarness h = await ServerHarness.StartAsync(setup: new MonitoringServerSetup
        {
            Launcher = (request, _) => { seen = request; return Task.FromResult("launched-1"); },
        });
        (HttpStatusCode status, JsonElement body) = await PostAsync(h, "api/training/start", new { dataset = "/data/retina", phase = "hybrid", epochs = 5, batch_size = 16, seed = 7 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("launched-1", body.GetProperty("run_id").GetString());
        Assert.Equal(("/data/retina", "hybrid", 5, 16), (seen!.Dataset, seen.Phase, seen.Epochs, seen.BatchSize));
        Assert.Equal(7, seen.Seed);
        Assert.Equal(HttpStatusCode.BadRequest, (await h.PostRawAsync("api/training/start", "{nope")).StatusCode);
    }

    [Fact]
    public async Task TrainingInfoSaysWhetherRunsCanStartAndOffersTheDatasets()
    {
        await using (ServerHarness bare = await ServerHarness.StartAsync())
        {
            JsonElement info = await bare.GetJsonAsync("api/training");
            Assert.False(info.GetProperty("can_start").GetBoolean()); // no launcher: the dashboard hides Start
            Assert.Equal(0, info.GetProperty("datasets").GetArrayLength());
        }
        var offered = new DatasetChoice("retina", "/data/retina", 1200, ["normal", "RAO"]);
        await using ServerHarness h = await ServerHarness.StartAsync(setup: new MonitoringServerSetup
        {
            Launcher = (_, _) => Task.FromResult("launched-1"),
            Datasets = () => [offered],
        });
        JsonElement answer = await h.GetJsonAsync("api/training");
        Assert.True(answer.GetProperty("can_start").GetBoolean());
        Assert.Equal("idle", answer.GetProperty("state").GetString());
        JsonElement dataset = Assert.Single(answer.GetProperty("datasets").EnumerateArray());
        Assert.Equal(("retina", "/data/retina", 1200), (dataset.GetProperty("name").GetString(), dataset.GetProperty("path").GetString(), dataset.GetProperty("images").GetInt32()));
        Assert.Equal(["normal", "RAO"], dataset.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task WhenATokenIsRequiredEveryApiRouteAndTheLiveStreamNeedIt()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = "s3cret" });
        HttpResponseMessage anonymous = await h.PostJsonAsync("api/runs", new { id = "r" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Http.PostAsync("api/training/pause", null)).StatusCode);
        // Reads hold file paths, class names and clinical figures: they need it too, as do /metrics and the API description.
        foreach (string read in new[] { "api/runs", "api/status", "api/metrics/current", "api/alerts", "api/system", "metrics", "openapi/v1.json", "api/training" })
            Assert.Equal((read, HttpStatusCode.Unauthorized), (read, (await h.Http.GetAsync(read)).StatusCode));
        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => h.ConnectAsync());
        Assert.Contains("401", refused.Message);
        // Liveness stays open for probes; the sign-in route says a token is needed.
        Assert.Equal(HttpStatusCode.OK, (await h.Http.GetAsync("healthz")).StatusCode);
        JsonElement session = await h.GetJsonAsync("api/session");
        Assert.Equal((true, false), (session.GetProperty("token_required").GetBoolean(), session.GetProperty("signed_in").GetBoolean()));

        h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        HttpResponseMessage wrong = await h.PostJsonAsync("api/runs", new { id = "r" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not this server's MONITORING_TOKEN", await wrong.Content.ReadAsStringAsync());

        h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.Created, (await h.PostJsonAsync("api/runs", new { id = "r" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await h.Http.PostAsync("api/training/pause", null)).StatusCode); // past auth, idle
        Assert.Equal(HttpStatusCode.OK, (await h.Http.GetAsync("api/runs")).StatusCode);
        using System.Net.WebSockets.ClientWebSocket socket = await h.ConnectAsync();
        Assert.Equal("hello", (await socket.ReceiveJsonAsync())!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task TheDashboardSignsInWithTheTokenAndGetsACookieThatIsNotTheToken()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = "s3cret-token" });
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = h.Url };
        HttpResponseMessage bad = await browser.PostAsJsonAsync("api/session", new { token = "guess" });
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Empty(cookies.GetCookies(h.Url));

        HttpResponseMessage good = await browser.PostAsJsonAsync("api/session", new { token = "s3cret-token" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        string setCookie = good.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Cookie session = Assert.Single(cookies.GetCookies(h.Url));
        Assert.DoesNotContain("s3cret-token", session.Value);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/runs")).StatusCode);
        Assert.True((await browser.GetFromJsonAsync<JsonElement>("api/session")).GetProperty("signed_in").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync("api/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/runs")).StatusCode);

        // A cookie made with another token (the token was rotated) opens nothing.
        await using ServerHarness rotated = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = "new-token" });
        var old = new CookieContainer();
        old.Add(rotated.Url, new Cookie("vigil_session", session.Value));
        using var stale = new HttpClient(new HttpClientHandler { CookieContainer = old }) { BaseAddress = rotated.Url };
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("api/runs")).StatusCode);
    }

    [Fact]
    public async Task TheTokenIsNeverWrittenToTheLogs()
    {
        const string secret = "tok-9f8e7d6c5b4a";
        await using (ServerHarness h = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = secret, Debug = true }))
        {
            h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal(HttpStatusCode.Created, (await h.PostJsonAsync("api/runs", new { id = "r" })).StatusCode);
            await h.PostJsonAsync("api/session", new { token = secret });
            h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret + "-wrong");
            await h.Http.GetAsync("api/runs");
            await h.Server.StopAsync();
            string[] logs = Directory.GetFiles(h.Folder, "*.log");
            Assert.NotEmpty(logs);
            foreach (string log in logs) Assert.DoesNotContain(secret, await File.ReadAllTextAsync(log));
        }
    }

    [Fact]
    public async Task ANonLoopbackBindingWithoutATokenDoesNotStart()
    {
        var server = new MonitoringServer(new MonitoringOptions { Host = "0.0.0.0", Port = 0, DbPath = Path.Combine(Path.GetTempPath(), "never-created.db") });
        var e = await Assert.ThrowsAsync<MonitoringOptionsException>(() => server.StartAsync());
        Assert.Contains("MONITORING_TOKEN", e.Message);
        Assert.Equal("http://127.0.0.1:0", MonitoringServer.BindUrl(new MonitoringOptions { Port = 0 }));
        Assert.Equal("http://localhost:8000", MonitoringServer.BindUrl(new MonitoringOptions()));
        Assert.Equal("http://[::1]:9", MonitoringServer.BindUrl(new MonitoringOptions { Host = "::1", Port = 9 }));
    }
}
