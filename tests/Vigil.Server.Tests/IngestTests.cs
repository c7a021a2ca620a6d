using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigil.Server.Tests;

public sealed class IngestTests
{
    private static object Points(int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => new { series = "loss/train", step = i, value = 1.0 / (i + 1) }).ToArray();

    [Fact]
    public async Task ExternalTrainerCreatesLogsAndReadsBackDownsampledHistory()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        HttpResponseMessage created = await h.PostJsonAsync("api/runs", new { id = "lightning-1", name = "PL job", config = new { model = "resnet" }, hyperparameters = new { lr = 0.01 } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.PostJsonAsync("api/runs", new { id = "lightning-1" })).StatusCode);
        JsonElement generated = JsonDocument.Parse(await (await h.PostJsonAsync("api/runs", new { name = "anonymous" })).Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("ext-", generated.GetProperty("id").GetString());

        for (int batch = 0; batch < 3; batch++)
        {
            HttpResponseMessage logged = await h.PostJsonAsync("api/runs/lightning-1/log", new { points = Points(1000, batch * 1000) });
            Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
            Assert.Equal(1000, JsonDocument.Parse(await logged.Content.ReadAsStringAsync()).RootElement.GetProperty("accepted").GetInt32());
        }
        // Acknowledged means committed: visible at once from the store, no flush needed.
        JsonElement history = await h.GetJsonAsync("api/metrics/history?run=lightning-1&series=loss/train&max_points=100");
        JsonElement loss = Assert.Single(history.GetProperty("series").EnumerateArray());
        Assert.Equal(3000, loss.GetProperty("total_points").GetInt64());
        Assert.Equal(100, loss.GetProperty("buckets").GetArrayLength());
        Assert.Equal(1.0, loss.GetProperty("buckets")[0].GetProperty("max").GetDouble());
        JsonElement run = (await h.GetJsonAsync("api/runs/lightning-1")).GetProperty("run");
        Assert.Equal(("PL job", "external", 0.01), (run.GetProperty("name").GetString(), run.GetProperty("source").GetString(), run.GetProperty("hyperparameters").GetProperty("lr").GetDouble()));
    }

    [Fact]
    public async Task AMetricsUpdateEpochAndStateArePublishedAndStored()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { CriticalThresholds = new Dictionary<string, double> { ["RVO"] = 0.97 } });
        await h.PostJsonAsync("api/runs", new { id = "pl" });
        using var socket = await h.ConnectAsync();
        await socket.ReceiveTypeAsync("hello");
        string body = """
            {"metrics_update": {"type": "metrics_update", "epoch": 3, "batch": 7, "total_batches": 50,
              "metrics": {"loss": {"train": 0.31, "val": 0.4}, "accuracy": {"train": 0.9}, "auc_roc": {"macro": 0.95, "weighted": 0.96},
                          "f1_score": 0.8, "learning_rate": 0.001,
                          "critical_conditions": {"RVO": {"sensitivity": 0.5, "threshold": 0.97, "status": "critical"}},
                          "per_class": {"RVO": 0.5, "normal": 0.99}},
              "system": {"gpu_usage": 55, "gpu_memory": 40, "gpu_temp": 61, "ram_usage": 30, "eta_seconds": 120},
              "timestamp": "2026-01-01T00:00:00.000Z"},
             "epoch": {"epoch": 3, "classes": ["normal", "RVO"], "confusion_matrix": [[5, 0], [2, 2]]},
             "state": "running"}
            """;
        Assert.Equal(HttpStatusCode.OK, (await h.PostRawAsync("api/runs/pl/log", body)).StatusCode);

        // The epoch (published first) carries the run it belongs to, whatever the trainer wrote in it.
        JsonElement epochEnd = await socket.ReceiveTypeAsync("epoch_end");
        Assert.Equal(("pl", 3), (epochEnd.GetProperty("run_id").GetString(), epochEnd.GetProperty("epoch").GetInt32()));
        JsonElement update = await socket.ReceiveTypeAsync("metrics_update");
        Assert.Equal(7, update.GetProperty("batch").GetInt32());
        Assert.True(update.GetProperty("seq").GetInt64() > 0);
        Assert.Equal(55, update.GetProperty("system").GetProperty("gpu_usage").GetDouble());
        JsonElement current = await h.GetJsonAsync("api/metrics/current");
        Assert.Equal(0.4, current.GetProperty("metrics").GetProperty("loss").GetProperty("val").GetDouble());
        Assert.Equal(("pl", 3, 7), ((await h.GetJsonAsync("api/status")).GetProperty("run_id").GetString(), (await h.GetJsonAsync("api/status")).GetProperty("epoch").GetInt32(), (await h.GetJsonAsync("api/status")).GetProperty("batch").GetInt32()));
        Assert.Equal(2, (await h.GetJsonAsync("api/runs/pl/confusion")).GetProperty("confusion_matrix")[1][1].GetInt32());
        await h.Server.Session.Writer.FlushAsync();
        await h.Server.Session.Writer.FlushAsync();
        Assert.Equal("critical", (await h.GetJsonAsync("api/alerts?run=pl")).GetProperty("alerts")[0].GetProperty("severity").GetString());

        Assert.Equal(HttpStatusCode.OK, (await h.PostJsonAsync("api/runs/pl/log", new { state = "completed" })).StatusCode);
        Assert.Equal("completed", (await h.GetJsonAsync("api/runs/pl")).GetProperty("run").GetProperty("state").GetString());
        Assert.Equal("completed", (await socket.ReceiveTypeAsync("status")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task NonFiniteValuesTravelAsStrings()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "r" });
        string body = """{"points": [{"series": "loss/train", "step": 1, "value": "NaN"}, {"series": "loss/train", "step": 2, "value": "Infinity"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await h.PostRawAsync("api/runs/r/log", body)).StatusCode);
        string csv = await h.Http.GetStringAsync("api/runs/r/export.csv");
        Assert.Contains("r,loss/train,1,NaN,", csv);
        Assert.Contains("r,loss/train,2,Infinity,", csv);
        JsonElement bucket = (await h.GetJsonAsync("api/metrics/history?run=r&max_points=1")).GetProperty("series")[0].GetProperty("buckets")[0];
        Assert.Equal("Infinity", bucket.GetProperty("max").GetString());
        Assert.Equal(2, bucket.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task TooManyPointsAreRefusedWith413AndTheLimit()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "r" });
        HttpResponseMessage response = await h.PostJsonAsync("api/runs/r/log", new { points = Points(1001) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1001 points in one request; the limit is 1000", await response.Content.ReadAsStringAsync());
        Assert.Empty((await h.GetJsonAsync("api/metrics/history?run=r")).GetProperty("series").EnumerateArray());
    }

    [Fact]
    public async Task ABodyOverTheSizeLimitGets413()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { MaxBodyBytes = 4096 });
        await h.PostJsonAsync("api/runs", new { id = "r" });
        HttpResponseMessage response = await h.PostRawAsync("api/runs/r/log", "{\"points\": [" + string.Join(",", Enumerable.Repeat("{\"series\":\"s\",\"step\":1,\"value\":1}", 500)) + "]}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        // Chunked (no Content-Length): Kestrel stops reading at the limit.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 10_000) + "\"}")));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/runs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        HttpResponseMessage streamed = await h.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains("MONITORING_MAX_BODY_BYTES", await streamed.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("api/runs/r/log", "{\"points\": [", "the body is not valid JSON (line 1, character 13)")]
    [InlineData("api/runs/r/log", "{\"points\": [{\"series\": \"s\", \"step\": \"one\", \"value\": 1}]}", "\"points[0].step\" must be a whole number, not \"one\"")]
    [InlineData("api/runs/r/log", "{\"points\": [{\"series\": \"s\", \"value\": 1}]}", "\"points[0]\" is missing \"step\"")]
    [InlineData("api/runs/r/log", "{\"state\": \"sleeping\"}", "state 'sleeping' is not one of idle, running")]
    [InlineData("api/runs/r/log", "{\"epoch\": {\"loss\": 1}}", "epoch must be an object with an integer")]
    [InlineData("api/runs/r/log", "null", "the body is null")]
    [InlineData("api/runs", "[1,2]", "the body must be an object, not an array")]
    [InlineData("api/runs", "{\"config\": 5}", "config and hyperparameters must be JSON objects")]
    public async Task MalformedBodiesGet400WithTheReason(string path, string body, string reason)
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "r" });
        HttpResponseMessage response = await h.PostRawAsync(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task LoggingToAnUnknownRunIs404AndNonJsonIs415()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        HttpResponseMessage missing = await h.PostJsonAsync("api/runs/ghost/log", new { points = Points(1) });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("POST /api/runs", await missing.Content.ReadAsStringAsync());
        HttpResponseMessage text = await h.Http.PostAsync("api/runs", new StringContent("id=x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        // JSON without saying so is refused too: a browser form or a "simple" cross-site fetch cannot set application/json.
        var unlabeled = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"id\": \"x\"}"));
        HttpResponseMessage bare = await h.Http.PostAsync("api/runs", unlabeled);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, bare.StatusCode);
        Assert.Contains("Content-Type: application/json", await bare.Content.ReadAsStringAsync());
        var withCharset = new StringContent("{\"id\": \"x\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await h.Http.PostAsync("api/runs", withCharset)).StatusCode);
    }
}
