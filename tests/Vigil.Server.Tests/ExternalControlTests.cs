using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Remote;

namespace Vigil.Server.Tests;

/// <summary>Pause/resume/stop reaching a trainer in another process (one pending command per run, acknowledged).</summary>
public sealed class ExternalControlTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<string> LiveState(ServerHarness h) => (await h.GetJsonAsync("api/status")).GetProperty("state").GetString()!;

    [Fact]
    public async Task PauseResumeAndStopBecomeCommandsThatTheTrainerAcknowledges()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await h.PostJsonAsync("api/runs", new { id = "py-1", accepts_control = true })).StatusCode);
        JsonElement logged = await Json(await h.PostJsonAsync("api/runs/py-1/log", new { points = new[] { new { series = "loss/train", step = 1, value = 0.5 } } }));
        Assert.Equal(JsonValueKind.Null, logged.GetProperty("command").ValueKind);

        JsonElement paused = await Json(await h.PostJsonAsync("api/training/pause", new { }));
        Assert.Equal(("paused", "py-1"), (paused.GetProperty("state").GetString(), paused.GetProperty("run_id").GetString()));
        Assert.Equal("running", await LiveState(h)); // "Pausing…" until the trainer acknowledges
        Assert.Equal(HttpStatusCode.Conflict, (await h.PostJsonAsync("api/training/pause", new { })).StatusCode);
        Assert.Equal("paused", (await h.GetJsonAsync("api/training")).GetProperty("state").GetString());

        // Delivered in the /log answer and by the poll, the same command.
        JsonElement command = (await Json(await h.PostJsonAsync("api/runs/py-1/log", new { }))).GetProperty("command");
        Assert.Equal("pause", command.GetProperty("action").GetString());
        long id = command.GetProperty("id").GetInt64();
        JsonElement polled = (await h.GetJsonAsync("api/runs/py-1/command?after=0&wait=0")).GetProperty("command");
        Assert.Equal(id, polled.GetProperty("id").GetInt64());

        Assert.Equal(HttpStatusCode.Conflict, (await h.PostJsonAsync("api/runs/py-1/command/ack", new { id = id + 5 })).StatusCode);
        await Json(await h.PostJsonAsync("api/runs/py-1/command/ack", new { id }));
        Assert.Equal("paused", await LiveState(h));
        Assert.Equal("paused", (await h.GetJsonAsync("api/runs/py-1")).GetProperty("run").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, (await Json(await h.PostJsonAsync("api/runs/py-1/log", new { }))).GetProperty("command").ValueKind);

        await Json(await h.PostJsonAsync("api/training/resume", new { }));
        JsonElement resume = (await h.GetJsonAsync($"api/runs/py-1/command?after={id}&wait=0")).GetProperty("command");
        Assert.Equal("resume", resume.GetProperty("action").GetString());
        await Json(await h.PostJsonAsync("api/runs/py-1/command/ack", new { id = resume.GetProperty("id").GetInt64() }));
        Assert.Equal("running", await LiveState(h));

        await Json(await h.PostJsonAsync("api/training/stop", new { }));
        JsonElement stop = (await h.GetJsonAsync($"api/runs/py-1/command?after={id}&wait=0")).GetProperty("command");
        Assert.Equal("stop", stop.GetProperty("action").GetString());
        await Json(await h.PostJsonAsync("api/runs/py-1/command/ack", new { id = stop.GetProperty("id").GetInt64() }));
        Assert.Equal("stopping", await LiveState(h));
        await Json(await h.PostJsonAsync("api/runs/py-1/log", new { state = "stopped" }));
        Assert.Equal(HttpStatusCode.Conflict, (await h.PostJsonAsync("api/training/pause", new { })).StatusCode);
    }

    [Fact]
    public async Task AnExternalRunsConfigGivesTheLiveStatusItsEpochsAndPhase()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "ext-plan", config = new { epochs = 12, phase = "router", lr = 0.1 } });
        JsonElement status = await h.GetJsonAsync("api/status");
        Assert.Equal(("ext-plan", 12, "router"), (status.GetProperty("run_id").GetString(), status.GetProperty("epochs").GetInt32(), status.GetProperty("phase").GetString()));
        // A later phase of the same run declares itself by updating the run.
        await h.PostJsonAsync("api/runs", new { id = "ext-plan", config = new { epochs = 3, phase = "unsupervised" } });
        status = await h.GetJsonAsync("api/status");
        Assert.Equal((3, "unsupervised"), (status.GetProperty("epochs").GetInt32(), status.GetProperty("phase").GetString()));
        // Values that are not a plan leave it as it was.
        await h.PostJsonAsync("api/runs", new { id = "ext-plan", config = new { epochs = "many", phase = 7 } });
        status = await h.GetJsonAsync("api/status");
        Assert.Equal((3, "unsupervised"), (status.GetProperty("epochs").GetInt32(), status.GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task TheLongPollWaitsForACommandAndANewerRequestReplacesAPendingOne()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "py-2", accepts_control = true });
        Assert.Equal(JsonValueKind.Null, (await h.GetJsonAsync("api/runs/py-2/command?wait=0")).GetProperty("command").ValueKind);

        Task<JsonElement> poll = h.GetJsonAsync("api/runs/py-2/command?after=0&wait=30");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        await Json(await h.PostJsonAsync("api/training/pause", new { }));
        JsonElement first = (await poll.WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("command");
        Assert.Equal("pause", first.GetProperty("action").GetString());

        // Resumed before the trainer reached its boundary: the resume replaces the pause (one pending command).
        await Json(await h.PostJsonAsync("api/training/resume", new { }));
        JsonElement pending = (await h.GetJsonAsync("api/runs/py-2/command?wait=0")).GetProperty("command");
        Assert.Equal("resume", pending.GetProperty("action").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await h.PostJsonAsync("api/runs/py-2/command/ack", new { id = first.GetProperty("id").GetInt64() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Http.GetAsync("api/runs/py-2/command?wait=61")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Http.GetAsync("api/runs/nobody/command?wait=0")).StatusCode);
    }

    [Fact]
    public async Task ARunThatDoesNotAcceptControlIsRefusedAndItsThresholdsRaiseAlerts()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        await h.PostJsonAsync("api/runs", new { id = "plain", critical_thresholds = new Dictionary<string, double> { ["RAO"] = 0.99 } });
        Assert.Equal(HttpStatusCode.Conflict, (await h.PostJsonAsync("api/training/pause", new { })).StatusCode);
        string body = """
            {"metrics_update": {"type": "metrics_update", "epoch": 1, "batch": 1, "total_batches": 1,
              "metrics": {"loss": {"train": 0.3}, "accuracy": {"train": null}, "auc_roc": {"macro": null, "weighted": null},
                          "f1_score": null, "learning_rate": null, "critical_conditions": {}, "per_class": {"RAO": 0.5}},
              "system": {"gpu_usage": null, "gpu_memory": null, "gpu_temp": null, "ram_usage": null, "eta_seconds": null},
              "timestamp": ""}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await h.PostRawAsync("api/runs/plain/log", body)).StatusCode);
        JsonElement alerts = default;
        for (int i = 0; i < 100 && (alerts.ValueKind == JsonValueKind.Undefined || alerts.GetArrayLength() == 0); i++)
        {
            alerts = (await h.GetJsonAsync("api/alerts?run=plain")).GetProperty("alerts");
            if (alerts.GetArrayLength() == 0) await Task.Delay(50);
        }
        JsonElement alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal(("RAO", "critical", 0.99), (alert.GetProperty("condition").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("threshold").GetDouble()));
        Assert.Equal(HttpStatusCode.BadRequest, (await h.PostJsonAsync("api/runs", new { id = "bad", critical_thresholds = new Dictionary<string, double> { ["RAO"] = 1.5 } })).StatusCode);
    }

    [Fact]
    public async Task TheStatusSaysWhetherTheControlsReachTheLiveRun()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        static bool Accepts(JsonElement status) => status.GetProperty("accepts_control").GetBoolean();

        await h.PostJsonAsync("api/runs", new { id = "plain" });
        Assert.Equal("plain", (await h.GetJsonAsync("api/status")).GetProperty("run_id").GetString());
        Assert.False(Accepts(await h.GetJsonAsync("api/status")));

        // Declared when created, or by polling for commands (pushed to the dashboard either way).
        await h.PostJsonAsync("api/runs", new { id = "py", accepts_control = true });
        Assert.True(Accepts(await h.GetJsonAsync("api/status")));
        await h.PostJsonAsync("api/runs", new { id = "poller" });
        Assert.False(Accepts(await h.GetJsonAsync("api/status")));
        using ClientWebSocket socket = await h.ConnectAsync();
        await socket.ReceiveTypeAsync("hello");
        await h.GetJsonAsync("api/runs/poller/command?wait=0");
        JsonElement pushed = await socket.ReceiveTypeAsync("status");
        Assert.Equal("poller", pushed.GetProperty("run_id").GetString());
        Assert.True(Accepts(pushed));

        // The run trained in this process, once the server holds its control.
        var control = new TrainingControl();
        h.Server.AttachRun("local", control);
        new RunEventPublisher("local", h.Server.CreateRecorder()).Publish(Fixtures.Started());
        JsonElement local = await h.GetJsonAsync("api/status");
        Assert.Equal(("local", true), (local.GetProperty("run_id").GetString(), Accepts(local)));
    }

    [Fact]
    public async Task ARemoteRunActsOnCommandsAndAcknowledgesThemOnceTheTrainerHasActed()
    {
        await using ServerHarness h = await ServerHarness.StartAsync();
        var control = new TrainingControl();
        await using var remote = new RemoteRunObserver(h.Url, new MonitorCallbackOptions { UpdateFrequency = 20, EnableSystemMonitoring = false }, control: control);
        var publisher = new RunEventPublisher("cs-remote", remote);
        publisher.Publish(Fixtures.Started(epochs: 1, batches: 100));
        publisher.Publish(Fixtures.Batch(1, 1, 100, 0.5));
        await remote.FlushAsync();
        Assert.True((await h.GetJsonAsync("api/status")).GetProperty("accepts_control").GetBoolean());

        // The pause reaches the control; the server hears of it only once the trainer reports that it has paused.
        await Json(await h.PostJsonAsync("api/training/pause", new { }));
        await Until(() => Task.FromResult(control.State == ControlState.Paused), "the pause to reach the control");
        await remote.FlushAsync();
        Assert.Equal("running", await LiveState(h));
        Assert.Equal("pause", (await h.GetJsonAsync("api/runs/cs-remote/command?wait=0")).GetProperty("command").GetProperty("action").GetString());
        publisher.Publish(new RunStatusChanged { Status = RunStatus.Paused, Message = "paused" });
        await remote.FlushAsync();
        Assert.Equal("paused", await LiveState(h));
        Assert.Equal(JsonValueKind.Null, (await h.GetJsonAsync("api/runs/cs-remote/command?wait=0")).GetProperty("command").ValueKind);

        // A resume lets the trainer go on at once and is acknowledged at once.
        await Json(await h.PostJsonAsync("api/training/resume", new { }));
        await Until(async () => control.State == ControlState.Running && await LiveState(h) == "running", "the resume to be acknowledged");

        // A pause called off before the trainer reached it: the resume replaces it, and the trainer never pauses.
        await Json(await h.PostJsonAsync("api/training/pause", new { }));
        await Until(() => Task.FromResult(control.State == ControlState.Paused), "the second pause to reach the control");
        await Json(await h.PostJsonAsync("api/training/resume", new { }));
        await Until(async () => control.State == ControlState.Running
            && (await h.GetJsonAsync("api/runs/cs-remote/command?wait=0")).GetProperty("command").ValueKind == JsonValueKind.Null, "the resume to call the pause off");
        Assert.Equal("running", await LiveState(h));

        // A stop: acknowledged when the trainer reports stopping, before that state.
        await Json(await h.PostJsonAsync("api/training/stop", new { }));
        await Until(() => Task.FromResult(control.IsStopRequested), "the stop to reach the control");
        Assert.Equal("stopped from the monitoring server", control.StopReason);
        publisher.Publish(new RunStatusChanged { Status = RunStatus.Stopping, Message = control.StopReason });
        publisher.Publish(new RunStatusChanged { Status = RunStatus.Interrupted, Message = "stopped" });
        await remote.FlushAsync();
        Assert.Equal("stopped", await LiveState(h));
        Assert.Equal(JsonValueKind.Null, (await h.GetJsonAsync("api/runs/cs-remote/command?wait=0")).GetProperty("command").ValueKind);
    }

    // Polls until the condition holds, failing after a generous deadline (no figure is asserted on the time taken).
    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(20))
            if (await condition()) return;
        Assert.Fail($"timed out waiting for {what}");
    }

    [Fact]
    public async Task TheCommandRoutesNeedTheTokenWhenTheServerRequiresIt()
    {
        await using ServerHarness h = await ServerHarness.StartAsync(o => o with { RequireToken = true, Token = "s3cret" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Http.GetAsync("api/runs/x/command?wait=0")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.PostJsonAsync("api/runs/x/command/ack", new { id = 1 })).StatusCode);
        h.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        await h.PostJsonAsync("api/runs", new { id = "x", accepts_control = true });
        Assert.Equal(HttpStatusCode.OK, (await h.Http.GetAsync("api/runs/x/command?wait=0")).StatusCode);
        // From another site's page, even with the session, a state change is refused.
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "api/runs/x/command/ack") { Content = JsonContent.Create(new { id = 1 }) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Http.SendAsync(crossSite)).StatusCode);
    }
}
