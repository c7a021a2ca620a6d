using System.Net;
using System.Text.Json;
using Vigil.Core.Runs;

namespace Vigil.Server.Tests;

public sealed class RestRouteTests
{
    [Fact]
    public async Task StatusHealthAndCurrentBeforeAnyRun()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        Assert.Equal("ok", (await h.GetJsonAsync("healthz")).GetProperty("status").GetString());
        JsonElement status = await h.GetJsonAsync("api/status");
        Assert.Equal("idle", status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("run_id").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await h.Http.GetAsync("api/metrics/current")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Http.GetAsync("api/runs/nope")).StatusCode);
        Assert.Empty((await h.GetJsonAsync("api/runs")).GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task TheOpenApiDescriptionListsTheRoutes()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        string openApi = await h.Http.GetStringAsync("openapi/v1.json");
        foreach (string route in new[] { "/api/status", "/api/metrics/history", "/api/runs/{id}/log", "/api/training/pause", "/api/runs/{id}/export.csv", "/metrics" })
            Assert.Contains($"\"{route}\"", openApi);
    }

    [Fact]
    public async Task AnInProcessRunIsServedByEveryReadRoute()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { CriticalThresholds = new Dictionary<string, double> { ["RAO"] = 0.99 } });
        var publisher = new RunEventPublisher("run-1", h.Server.CreateRecorder());
        publisher.Publish(Fixtures.Started(epochs: 2, batches: 4));
        for (int b = 1; b <= 4; b++) publisher.Publish(Fixtures.Batch(1, b, 4, loss: 1.0 / b));
        publisher.Publish(Fixtures.Epoch(1, 2, 4, raoSensitivity: 0.9));
        publisher.Publish(Fixtures.Batch(2, 1, 4, loss: 0.2));
        await h.Server.Session.Writer.FlushAsync();
        await h.Server.Session.Writer.FlushAsync();

        JsonElement status = await h.GetJsonAsync("api/status");
        Assert.Equal(("run-1", "running", 2, 1, 4), (status.GetProperty("run_id").GetString(), status.GetProperty("state").GetString(),
            status.GetProperty("epoch").GetInt32(), status.GetProperty("batch").GetInt32(), status.GetProperty("total_batches").GetInt32()));
        Assert.True(status.GetProperty("elapsed_seconds").GetDouble() >= 0);

        JsonElement current = await h.GetJsonAsync("api/metrics/current");
        Assert.Equal("metrics_update", current.GetProperty("type").GetString());
        Assert.Equal(0.2, current.GetProperty("metrics").GetProperty("loss").GetProperty("train").GetDouble());
        Assert.Equal("critical", current.GetProperty("metrics").GetProperty("critical_conditions").GetProperty("RAO").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, current.GetProperty("system").GetProperty("gpu_usage").ValueKind);

        JsonElement run = await h.GetJsonAsync("api/runs/run-1");
        Assert.Equal("retina", run.GetProperty("run").GetProperty("config").GetProperty("dataset").GetString());
        Assert.Contains("sensitivity/RAO", run.GetProperty("series").EnumerateArray().Select(s => s.GetString()));

        JsonElement epochs = await h.GetJsonAsync("api/runs/run-1/epochs");
        Assert.Equal(1, Assert.Single(epochs.GetProperty("epochs").EnumerateArray()).GetProperty("epoch").GetInt32());
        JsonElement confusion = await h.GetJsonAsync("api/runs/run-1/confusion?epoch=1");
        Assert.Equal(9, confusion.GetProperty("confusion_matrix")[1][1].GetInt32());
        Assert.Equal("RAO", confusion.GetProperty("classes")[1].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await h.Http.GetAsync("api/runs/run-1/confusion?epoch=9")).StatusCode);

        JsonElement alerts = await h.GetJsonAsync("api/alerts");
        JsonElement alert = Assert.Single(alerts.GetProperty("alerts").EnumerateArray());
        Assert.Equal(("RAO", "critical"), (alert.GetProperty("condition").GetString(), alert.GetProperty("severity").GetString()));
        Assert.Equal(0.99, alerts.GetProperty("thresholds").GetProperty("RAO").GetDouble());

        JsonElement history = await h.GetJsonAsync("api/metrics/history?run=run-1&series=loss/train,loss/val&max_points=2");
        JsonElement[] series = history.GetProperty("series").EnumerateArray().ToArray();
        Assert.Equal(["loss/train", "loss/val"], series.Select(s => s.GetProperty("series").GetString()));
        JsonElement[] buckets = series[0].GetProperty("buckets").EnumerateArray().ToArray();
        Assert.Equal(2, buckets.Length);
        Assert.Equal(0.2, buckets[^1].GetProperty("last").GetDouble());
        Assert.Equal(1.0, buckets[0].GetProperty("max").GetDouble());

        string csv = await h.Http.GetStringAsync("api/runs/run-1/export.csv");
        string[] lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("run_id,series,step,value,wall_time", lines[0]);
        Assert.Contains("run-1,loss/train,5,0.2,", csv);
        Assert.Equal(h.Server.Session.Writer.CommittedPoints + 1, lines.Length);

        string prometheus = await h.Http.GetStringAsync("metrics");
        Assert.Contains("vigil_run_state{run_id=\"run-1\",state=\"running\"} 1", prometheus);
        Assert.Contains("vigil_series_value{run_id=\"run-1\",series=\"loss/train\"} 0.2", prometheus);
        Assert.Contains("# TYPE vigil_ws_clients gauge", prometheus);
    }

    [Fact]
    public async Task SystemSaysUnavailableRatherThanInventingAGpu()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        JsonElement system = await h.GetJsonAsync("api/system");
        Assert.Equal(JsonValueKind.Null, system.GetProperty("gpu").ValueKind);
        Assert.StartsWith("unavailable", system.GetProperty("gpu_status").GetString());
        Assert.True(system.GetProperty("ram_total_bytes").GetInt64() > 0);
        Assert.True(system.GetProperty("process_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task BadQueriesGet400WithTheReason()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        foreach ((string query, string reason) in new[]
        {
            ("api/metrics/history", "run is required"),
            ("api/metrics/history?run=r&max_points=0", "max_points=0 is out of range"),
            ("api/metrics/history?run=r&from=abc", "from=abc is not a whole number"),
            ("api/metrics/history?run=r&from=10&to=5", "from=10 is after to=5"),
            ("api/alerts?limit=0", "limit=0 is out of range"),
        })
        {
            HttpResponseMessage response = await h.Http.GetAsync(query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task CorsIsOffUnlessConfigured()
    {
        static HttpRequestMessage Preflight() => new(HttpMethod.Options, "api/status")
        {
            Headers = { { "Origin", "http://dashboard.test" }, { "Access-Control-Request-Method", "GET" } },
        };
        await using (ServerHarness off = await ServerHarness.StartAsync())
            Assert.False((await off.Http.SendAsync(Preflight())).Headers.Contains("Access-Control-Allow-Origin"));
        await using ServerHarness on = await ServerHarness.StartAsync(o => o with { CorsOrigins = ["http://dashboard.test"] });
        Assert.Equal("http://dashboard.test", (await on.Http.SendAsync(Preflight())).Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task LogsGoToTheirFiles()
    {
        string folder;
        await using (ServerHarness h = await ServerHarness.StartAsync())
        {
            folder = h.Folder;
            using var socket = await h.ConnectAsync();
            await socket.ReceiveTypeAsync("hello");
            await h.PostJsonAsync("api/runs", new { id = "logged" });
            await h.PostJsonAsync("api/runs/logged/log", new { points = new[] { new { series = "loss/train", step = 1, value = 0.5 } } });
            // No wait needed: each line is written (unbuffered) before what the test awaited, the start, the hello
            // or the HTTP response.
            Assert.Contains("listening on", await File.ReadAllTextAsync(Path.Combine(folder, "monitoring.log")));
            Assert.Contains("connected", await File.ReadAllTextAsync(Path.Combine(folder, "websocket.log")));
            string metrics = await File.ReadAllTextAsync(Path.Combine(folder, "metrics.log"));
            Assert.Contains("run logged created", metrics);
            Assert.Contains("run logged: new series loss/train", metrics);
        }
    }
}
