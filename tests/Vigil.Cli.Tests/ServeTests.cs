using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil serve</c> as a user runs it: a real process, a real port, Ctrl-C (SIGINT) to stop.</summary>
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_prints_its_url_answers_and_stops_cleanly_on_sigint()
    {
        using var dir = new TempFolder();
        using var serve = await ServeProcess.StartAsync(dir.Path, "--port", "0", "--db", "runs.db");
        using var http = new HttpClient { BaseAddress = serve.Url };
        Assert.True((await http.GetAsync("healthz")).IsSuccessStatusCode);
        var status = JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement;
        Assert.Equal("idle", status.GetProperty("state").GetString());
        Assert.True(File.Exists(dir.Combine("runs.db")));

        Assert.Equal(0, serve.Interrupt());
        Assert.Contains("stopped", await serve.Stderr);
    }

    [Fact]
    public async Task Start_from_the_API_trains_for_real_and_pause_resume_stop_act_on_it()
    {
        using var dir = TinyDataset();
        using var serve = await ServeProcess.StartAsync(dir.Path, "--port", "0", "--db", "runs.db");
        using var http = new HttpClient { BaseAddress = serve.Url };
        async Task<(int Code, JsonElement Body)> Post(string path, string json = "")
        {
            var response = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }
        Task<JsonElement> WaitFor(Func<JsonElement, bool> condition) => WaitForStatus(http, condition);

        var info = JsonDocument.Parse(await http.GetStringAsync("api/training")).RootElement;
        Assert.True(info.GetProperty("can_start").GetBoolean());
        var offered = Assert.Single(info.GetProperty("datasets").EnumerateArray());
        Assert.Equal("tiny", offered.GetProperty("name").GetString());
        Assert.Equal(Path.GetFullPath(dir.Combine("datasets", "anomaly_detection", "tiny")), offered.GetProperty("path").GetString());
        Assert.Equal(40, offered.GetProperty("images").GetInt32());

        // Bad requests are refused, naming what is wrong; nothing starts, and no path leaves the server's folders.
        var (code, body) = await Post("api/training/start", "{\"dataset\":\"nowhere\"}");
        Assert.Equal((400, "idle"), (code, body.GetProperty("state").GetString()));
        Assert.Contains("\"nowhere\" is not a dataset this server offers; choose one of: tiny", body.GetProperty("error").GetString());
        (code, body) = await Post("api/training/start", "{\"dataset\":\"tiny\",\"no_such_option\":1,\"train_csv\":\"/etc/passwd\"}");
        Assert.Equal(400, code);
        Assert.Contains("unknown fields \"no_such_option\", \"train_csv\"", body.GetProperty("error").GetString());
        foreach (string escape in new[]
                 {
                     "{\"dataset\":\"/etc\"}", "{\"dataset\":\"../datasets/anomaly_detection/tiny\"}", "{\"dataset\":\"tiny\",\"output\":\"../outside\"}",
                     "{\"dataset\":\"tiny\",\"output\":\"/tmp/outside\"}", "{\"dataset\":\"tiny\",\"init_weights\":\"../../etc/passwd\"}",
                     "{\"dataset\":\"tiny\",\"epochs\":\"abc\"}",
                 })
        {
            (code, body) = await Post("api/training/start", escape);
            Assert.True(code == 400, $"{escape} → {code} {body}");
        }
        Assert.Contains("\"epochs\" must be a whole number", body.GetProperty("error").GetString());
        Assert.False(Directory.Exists(dir.Combine("outside")));
        Assert.False(Directory.Exists(dir.Combine("runs")));

        const string run = "{\"dataset\":\"tiny\",\"phase\":\"supervised\",\"epochs\":2,\"image_size\":32,\"batch_size\":2,\"model\":\"tiny\",\"max_batches\":60,\"output\":\"api\"%RESUME%}";
        (code, body) = await Post("api/training/start", run.Replace("%RESUME%", ""));
        Assert.True(code == 200, body.ToString());
        Assert.Equal("api", body.GetProperty("run_id").GetString());
        Assert.Equal(409, (await Post("api/training/start", run.Replace("%RESUME%", ""))).Code); // one run at a time
        await WaitFor(s => s.GetProperty("state").GetString() == "running" && s.GetProperty("global_step").GetInt64() >= 2);

        // Pause: the trainer stops at a batch boundary after writing a checkpoint, and stays there. "paused" is published
        // after the checkpoint and right before the trainer blocks, so the checkpoint holds the step the status shows.
        Assert.Equal(200, (await Post("api/training/pause")).Code);
        var paused = await WaitFor(s => s.GetProperty("state").GetString() == "paused" && s.GetProperty("message").GetString() == "paused");
        var checkpoint = dir.Combine("runs", "api", "supervised", "checkpoints", "last.ckpt");
        Assert.True(File.Exists(checkpoint), "pause did not save a checkpoint");
        Assert.Equal(paused.GetProperty("global_step").GetInt64(), Vigil.ML.Training.Checkpoints.Checkpoint.ReadHeader(checkpoint).State.GlobalStep);
        Assert.Equal(409, (await Post("api/training/pause")).Code); // held: a second pause has nothing to do
        var still = JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement;
        Assert.Equal((paused.GetProperty("global_step").GetInt64(), "paused"), (still.GetProperty("global_step").GetInt64(), still.GetProperty("state").GetString()));

        Assert.Equal(200, (await Post("api/training/resume")).Code);
        await WaitFor(s => s.GetProperty("global_step").GetInt64() > paused.GetProperty("global_step").GetInt64());
        Assert.Equal(200, (await Post("api/training/stop")).Code);
        var stopped = await WaitFor(s => s.GetProperty("state").GetString() == "stopped");
        Assert.False(File.Exists(dir.Combine("runs", "api", "model.vigil")));

        // The stopped run resumes from its checkpoint and completes.
        (code, body) = await Post("api/training/start", run.Replace("%RESUME%", ",\"resume\":true"));
        Assert.True(code == 200, body.ToString());
        await WaitFor(s => s.GetProperty("state").GetString() == "completed");
        Assert.True(File.Exists(dir.Combine("runs", "api", "model.vigil")));
        Assert.True(stopped.GetProperty("global_step").GetInt64() < 120);

        Assert.Equal(0, serve.Interrupt());
        Assert.Contains("resuming at epoch", await serve.Stderr);
    }

    [Fact]
    public async Task Pause_and_stop_take_hold_while_the_anomaly_head_trains()
    {
        using var dir = TinyDataset();
        using var serve = await ServeProcess.StartAsync(dir.Path, "--port", "0", "--db", "runs.db");
        using var http = new HttpClient { BaseAddress = serve.Url };
        async Task<int> Post(string path, string json = "") =>
            (int)(await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).StatusCode;
        Task<JsonElement> WaitFor(Func<JsonElement, bool> condition) => WaitForStatus(http, condition);
        static string Message(JsonElement s) => s.GetProperty("message").GetString() ?? "";

        // One VAE epoch, then a head long enough that the pause lands in it.
        Assert.Equal(200, await Post("api/training/start",
            "{\"dataset\":\"tiny\",\"phase\":\"unsupervised\",\"epochs\":1,\"head_epochs\":5000,\"image_size\":32,\"batch_size\":4,\"output\":\"head\"}"));
        await WaitFor(s => Message(s).StartsWith("unsupervised: anomaly head epoch", StringComparison.Ordinal));
        Assert.Equal(200, await Post("api/training/pause"));
        var paused = await WaitFor(s => s.GetProperty("state").GetString() == "paused");
        Assert.Equal("paused", Message(paused));
        Assert.Equal(200, await Post("api/training/resume"));
        await WaitFor(s => s.GetProperty("state").GetString() == "running");
        Assert.Equal(200, await Post("api/training/stop"));
        var stopped = await WaitFor(s => s.GetProperty("state").GetString() == "stopped");
        Assert.Contains("anomaly head", Message(stopped));
        Assert.False(File.Exists(dir.Combine("runs", "head", "model.vigil")));
        Assert.Equal(0, serve.Interrupt());
    }

    [Fact]
    public async Task Serve_simulate_plays_runs_and_start_launches_another()
    {
        using var dir = new TempFolder();
        using var serve = await ServeProcess.StartAsync(dir.Path, "--simulate", "--epochs", "2", "--epoch-seconds", "1", "--port", "0", "--db", "sim.db");
        using var http = new HttpClient { BaseAddress = serve.Url };
        async Task<JsonElement> Status() => JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement;
        var first = await Status();
        Assert.StartsWith("retfound-simulated-", first.GetProperty("run_id").GetString());
        Assert.Equal(2319, first.GetProperty("total_batches").GetInt32());
        var refused = await http.PostAsync("api/training/start", new StringContent("{\"epochs\":1}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(409, (int)refused.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Status()).GetProperty("state").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the simulated run did not complete");
            await Task.Delay(200);
        }
        var again = await http.PostAsync("api/training/start", new StringContent("{\"epochs\":1}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)again.StatusCode);
        var second = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString();
        Assert.NotEqual(first.GetProperty("run_id").GetString(), second);
        // The new run is listed once its first write commits (it is announced live before that).
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var runs = JsonDocument.Parse(await http.GetStringAsync("api/runs")).RootElement;
            if ((runs.ValueKind == JsonValueKind.Array ? runs : runs.GetProperty("runs")).EnumerateArray().Any(r => r.GetProperty("id").GetString() == second)) break;
            Assert.True(DateTime.UtcNow < deadline, "the started run was never listed in /api/runs");
            await Task.Delay(200);
        }
        Assert.Equal(0, serve.Interrupt());
    }

    [Fact]
    public void Serve_simulation_options_need_simulate()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "serve", "--epoch-seconds", "3", "--port", "0");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("go with --simulate", run.Stderr);
    }

    [Fact]
    public void Serve_off_loopback_without_a_token_is_an_input_error()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "serve", "--host", "0.0.0.0", "--port", "0");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("MONITORING_TOKEN", run.Stderr);
    }

    // A folder with a tiny organized dataset "tiny", where organize puts datasets by default: the server offers it to the
    // dashboard's Start form.
    private static TempFolder TinyDataset()
    {
        var dir = new TempFolder();
        Assert.Equal(0, VigilProcess.Run(dir.Path, "sample", "--output", "s", "--per-organ", "20", "--image-size", "32").ExitCode);
        Assert.Equal(0, VigilProcess.Run(dir.Path, "organize", "--source", dir.Combine("s", "manifest.csv"), "--name", "tiny").ExitCode);
        return dir;
    }

    // Polls /api/status until it matches (the server's own progress, not a clock, decides when).
    private static async Task<JsonElement> WaitForStatus(HttpClient http, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = JsonDocument.Parse(await http.GetStringAsync("api/status")).RootElement;
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("status never matched; last: " + status);
            await Task.Delay(50);
        }
    }
}
