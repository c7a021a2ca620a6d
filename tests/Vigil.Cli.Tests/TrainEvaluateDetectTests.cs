using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>A tiny dataset organized and trained once (tiny EfficientNet, 32×32, a few batches) for the CLI tests below.</summary>
public sealed class TrainedRunFixture : IDisposable
{
    public TempFolder Dir { get; } = new();
    public string Dataset => Dir.Combine("out", "tiny");
    public string Run => Dir.Combine("run");
    public string Model => Path.Combine(Run, "model.vigil");
    public CliRun Training { get; }

    public TrainedRunFixture()
    {
        var sample = VigilProcess.Run(Dir.Path, "sample", "--output", "s", "--per-organ", "40", "--image-size", "32");
        if (sample.ExitCode != 0) throw new InvalidOperationException(sample.Stderr);
        var organize = VigilProcess.Run(Dir.Path, "organize", "--source", Dir.Combine("s", "manifest.csv"), "--name", "tiny", "--output", "out");
        if (organize.ExitCode != 0) throw new InvalidOperationException(organize.Stderr);
        // Trailing slashes, as shell completion writes folders: the names must not come out empty.
        Training = VigilProcess.Run(Dir.Path, "train", "--dataset", Dataset + "/", "--phase", "all", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "3", "--output", Run + "/", "--format", "json");
    }

    public void Dispose() => Dir.Dispose();
}

public class TrainEvaluateDetectTests : IClassFixture<TrainedRunFixture>
{
    private readonly TrainedRunFixture _run;

    public TrainEvaluateDetectTests(TrainedRunFixture run) => _run = run;

    [Fact]
    public void Train_writes_the_run_folder_and_a_json_summary()
    {
        Assert.True(_run.Training.ExitCode == 0, _run.Training.Stderr);
        var json = JsonDocument.Parse(_run.Training.Stdout).RootElement;
        Assert.Equal(Path.GetFullPath(_run.Model), Path.GetFullPath(json.GetProperty("model_path").GetString()!));
        foreach (var file in new[] { "model.vigil", "metrics.json", "history.csv", "events.jsonl", "plots/score_histogram.png", "supervised/checkpoints/last.ckpt", "unsupervised/checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(_run.Run, file)), file);
        var history = File.ReadAllLines(Path.Combine(_run.Run, "history.csv"));
        Assert.Equal(3, history.Length); // header + one epoch per phase
        Assert.Contains("supervised epoch 1/1", _run.Training.Stderr); // one line per epoch when redirected
        // The labeled tumors, hemorrhages and opacities also taught the VAE's anomaly head (Deep SAD-style).
        Assert.Matches(@"anomaly head trained on \d+ normal images with synthetic anomalies and \d+ labeled anomalies pushed above them", _run.Training.Stderr);
        var events = File.ReadAllLines(Path.Combine(_run.Run, "events.jsonl"));
        Assert.Contains(events, l => l.Contains("\"type\":\"epoch_completed\""));
        Assert.Contains(events, l => l.Contains("\"type\":\"batch_completed\""));
        // The run id and dataset name come from the folders' names, trailing slashes or not.
        JsonElement started = JsonDocument.Parse(events.First(l => l.Contains("\"type\":\"run_started\""))).RootElement;
        Assert.Equal("tiny", started.GetProperty("dataset").GetString());
        Assert.Equal("run", started.GetProperty("run_id").GetString());
        Assert.Equal("tiny", Vigil.ML.Inference.ModelPackage.ReadManifest(_run.Model).Dataset!.Name);
    }

    [Fact]
    public void The_start_routes_detector_fields_reach_the_training_request()
    {
        var body = new Vigil.Monitoring.Control.TrainingStartRequest
        {
            Dataset = "tiny", PresetWeights = true, VaeTrim = 0.25, VaeScore = "structural-error", HeadEpochs = 3, HeadIgnoreLabels = true,
        };
        var folders = new Vigil.Cli.Infrastructure.ServeFolders(Runs: _run.Dir.Combine("served-runs"));
        var args = Vigil.Cli.Infrastructure.ServeTrainingLauncher.Arguments(body, folders, [new("tiny", _run.Dataset, 0, [])]);
        var request = Vigil.Cli.Commands.TrainCommand.Prepare(args).Request;
        Assert.False(request.FitWeights);
        Assert.Equal(0.25, request.VaeTrim);
        Assert.Equal(Vigil.ML.Models.Vae.VaeScoreKind.StructuralError, request.VaeScore);
        Assert.Equal(3, request.AnomalyHeadEpochs);
        Assert.False(request.AnomalyHeadUsesLabels);
        // Left out, each takes the train verb's default.
        var plain = Vigil.Cli.Commands.TrainCommand.Prepare(Vigil.Cli.Infrastructure.ServeTrainingLauncher.Arguments(new() { Dataset = "tiny" }, folders, [new("tiny", _run.Dataset, 0, [])])).Request;
        Assert.True(plain.FitWeights);
        Assert.True(plain.AnomalyHeadUsesLabels);
        Assert.Null(plain.VaeScore);
    }

    [Fact]
    public void A_training_into_a_run_folder_another_training_holds_is_refused()
    {
        var folder = _run.Dir.Combine("busy");
        Directory.CreateDirectory(folder);
        using var held = Vigil.ML.Runs.RunFolderLock.Acquire(folder); // what a training in progress holds

        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--max-batches", "1", "--output", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"run folder '{folder}' is in use by another vigil train (pid {Environment.ProcessId}); wait for it to finish or choose another --output.", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "supervised")), "the refused training wrote into the folder");
    }

    [Fact]
    public void Evaluate_prints_the_contract_keys()
    {
        var run = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", _run.Model, "--dataset", _run.Dataset, "--split", "test", "--format", "json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        foreach (var key in new[] { "auroc", "accuracy", "f1", "per_class", "confusion_matrix", "tpr_at_fpr", "threshold" })
            Assert.True(json.TryGetProperty(key, out _), $"missing {key}");
        Assert.True(json.GetProperty("images").GetInt32() > 0);
        var classes = json.GetProperty("per_class").GetArrayLength();
        Assert.Equal(classes, json.GetProperty("confusion_matrix").GetArrayLength());
    }

    [Fact]
    public void Evaluate_lists_every_vae_score_and_scores_by_the_one_asked_for()
    {
        var recorded = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", _run.Model, "--dataset", _run.Dataset, "--split", "test", "--format", "json");
        Assert.True(recorded.ExitCode == 0, recorded.Stderr);
        var json = JsonDocument.Parse(recorded.Stdout).RootElement;
        // The shared run trains the head (its validation split is too small to choose), so the package records the
        // combined default and every kind can be compared.
        Assert.Equal("learned-map-or-latent", json.GetProperty("vae_score").GetString());
        var kinds = json.GetProperty("score_kind_auroc").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("learned-anomaly-map", kinds);
        Assert.Contains("learned-map-or-latent", kinds);
        Assert.Contains("structural-error", kinds);
        Assert.Contains("error-plus-latent", kinds);

        var other = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", _run.Model, "--dataset", _run.Dataset, "--split", "test", "--scorer", "structural-error", "--format", "json");
        Assert.True(other.ExitCode == 0, other.Stderr);
        var otherJson = JsonDocument.Parse(other.Stdout).RootElement;
        Assert.Equal("structural-error", otherJson.GetProperty("vae_score").GetString());
        // The reconstruction part's AUROC is the listed AUROC of the kind asked for.
        Assert.Equal(json.GetProperty("score_kind_auroc").GetProperty("structural-error").GetDouble(),
            otherJson.GetProperty("component_auroc").GetProperty("reconstruction").GetDouble(), 6);

        var bad = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", _run.Model, "--dataset", _run.Dataset, "--scorer", "sharpest");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--scorer 'sharpest' is not a score; use one of", bad.Stderr);
    }

    [Fact]
    public void Detect_scores_images_and_turns_a_corrupt_one_into_an_error_row()
    {
        var images = Directory.GetFiles(_run.Dir.Combine("s", "brain_mri", "tumor"), "*.png").Take(3).ToList();
        var corrupt = _run.Dir.Combine("broken.png");
        File.WriteAllText(corrupt, "not an image");
        var run = VigilProcess.Run(_run.Dir.Path, ["detect", "--model", _run.Model, .. images, corrupt, "--format", "json", "--heatmap", "heat"]);
        Assert.Equal(1, run.ExitCode); // an unreadable input is reported, not fatal
        var rows = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows.Take(3))
        {
            var score = row.GetProperty("anomaly_score").GetDouble();
            Assert.InRange(score, 0, 1);
            Assert.Equal(score >= JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Run, "metrics.json"))).RootElement.GetProperty("val").GetProperty("threshold").GetDouble(),
                row.GetProperty("is_anomaly").GetBoolean());
            Assert.True(File.Exists(Path.Combine(_run.Dir.Path, row.GetProperty("heatmap").GetString()!)));
            foreach (var key in new[] { "predicted_class", "confidence", "supervised_score", "reconstruction_score" })
                Assert.True(row.TryGetProperty(key, out _), key);
        }
        Assert.Contains("not a PNG", rows[3].GetProperty("error").GetString());
    }

    [Fact]
    public void Detect_csv_has_a_header_and_one_row_per_image()
    {
        var image = Directory.GetFiles(_run.Dir.Combine("s", "chest_xray", "normal"), "*.png").First();
        var run = VigilProcess.Run(_run.Dir.Path, "detect", "--model", _run.Model, image, "--format", "csv", "--threshold", "0.99");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Trim().Split('\n');
        Assert.StartsWith("path,image,is_anomaly,predicted_class", lines[0]);
        Assert.Equal(2, lines.Length);
        // One image is a batch of one, the case where libtorch tried NNPACK and warned at every convolution.
        Assert.DoesNotContain("NNPACK", run.Stderr);
    }

    [Fact]
    public void Phase_hybrid_reassembles_a_trained_run_from_its_checkpoints()
    {
        // The phases' checkpoints hold their optimizers too; --phase hybrid loads the weights alone and fits the rest again.
        var copy = _run.Dir.Combine("run-hybrid");
        CopyFolder(_run.Run, copy);
        File.Delete(Path.Combine(copy, "model.vigil"));
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--phase", "hybrid", "--model", "tiny", "--image-size", "32",
            "--batch-size", "16", "--output", copy);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("supervised: using the trained weights in", run.Stderr);
        Assert.Contains("unsupervised: using the trained weights in", run.Stderr);
        Assert.True(File.Exists(Path.Combine(copy, "model.vigil")));
    }

    [Fact]
    public void Resume_of_a_finished_run_reuses_its_phases()
    {
        var copy = _run.Dir.Combine("run-copy");
        CopyFolder(_run.Run, copy);
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--model", "tiny", "--image-size", "32", "--epochs", "1",
            "--batch-size", "16", "--max-batches", "3", "--output", copy, "--resume");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("supervised: already complete", run.Stderr);
        Assert.Contains("unsupervised: already complete", run.Stderr);
        // Each reloaded phase is announced as complete with its steps, so a watcher keeps later phases after it.
        var announced = File.ReadLines(Path.Combine(copy, "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "run_started" && e.GetProperty("start_epoch").GetInt32() == 2).ToList();
        Assert.Equal(["supervised", "unsupervised"], announced.Select(e => e.GetProperty("phase").GetString()));
        Assert.All(announced, e => Assert.Equal(e.GetProperty("batches_per_epoch").GetInt64(), e.GetProperty("steps_done").GetInt64())); // one epoch each
        Assert.Equal(3, announced[0].GetProperty("steps_done").GetInt64()); // --max-batches 3
    }

    [Fact]
    public void With_few_labels_the_classifier_learns_from_the_unlabeled_images_unless_told_not_to()
    {
        // A training CSV with one image in seven labeled (strategy B): auto, the default, turns pseudo-labels on.
        var lines = File.ReadAllLines(Path.Combine(_run.Dataset, "splits", "train.csv"));
        int labelColumn = Array.IndexOf(lines[0].Split(','), "label");
        var rows = lines.Skip(1).Select((line, i) =>
        {
            var cells = line.Split(',');
            if (i % 7 != 0) cells[labelColumn] = "";
            return string.Join(',', cells);
        });
        var trainCsv = Path.Combine(_run.Dataset, "few-train.csv");
        File.WriteAllLines(trainCsv, [lines[0], .. rows]);
        var valCsv = Path.Combine(_run.Dataset, "few-val.csv");
        File.Copy(Path.Combine(_run.Dataset, "splits", "val.csv"), valCsv, overwrite: true);
        string[] common = ["train", "--train-csv", trainCsv, "--val-csv", valCsv, "--normal-class", "normal", "--phase", "supervised",
            "--model", "tiny", "--image-size", "32", "--epochs", "1", "--batch-size", "8", "--max-batches", "2"];
        var auto = VigilProcess.Run(_run.Dir.Path, [.. common, "--output", _run.Dir.Combine("few-auto")]);
        Assert.True(auto.ExitCode == 0, auto.Stderr);
        Assert.Contains("strategy: hybrid led by the VAE", auto.Stderr);
        Assert.Contains("with so few labels the classifier also learns from the unlabeled training images", auto.Stderr);
        Assert.Matches(@"also learning from \d+ unlabeled images", auto.Stderr);
        var off = VigilProcess.Run(_run.Dir.Path, [.. common, "--semi-supervised", "off", "--output", _run.Dir.Combine("few-off")]);
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.Contains("strategy: hybrid led by the VAE", off.Stderr);
        Assert.DoesNotContain("also learning from", off.Stderr);
    }

    [Fact]
    public void Semi_supervised_training_learns_from_the_unlabeled_images()
    {
        // The same seeded supervised run, twice without and once with --semi-supervised: the two plain runs agree to
        // the last digit, so a validation loss that moves can only come from the unlabeled images.
        string[] Args(string output) => ["train", "--dataset", _run.Dataset, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "8", "--max-batches", "3", "--output", _run.Dir.Combine(output)];
        var plain = VigilProcess.Run(_run.Dir.Path, Args("plain-1"));
        var again = VigilProcess.Run(_run.Dir.Path, Args("plain-2"));
        var semi = VigilProcess.Run(_run.Dir.Path, [.. Args("semi"), "--semi-supervised", "fixmatch"]);
        Assert.True(plain.ExitCode == 0 && again.ExitCode == 0 && semi.ExitCode == 0, plain.Stderr + again.Stderr + semi.Stderr);
        // unlabeled.csv lists the unlabeled images with the split each belongs to.
        string[] header = File.ReadLines(Path.Combine(_run.Dataset, "unlabeled.csv")).First().Split(',');
        int split = Array.IndexOf(header, "split");
        int unlabeled = DataRows(Path.Combine(_run.Dataset, "unlabeled.csv")).Count(row => row.Split(',')[split] == "train");
        Assert.True(unlabeled > 0, "the sample's training split should hold unlabeled images");
        Assert.Contains($"also learning from {unlabeled:N0} unlabeled images", semi.Stderr);
        Assert.DoesNotContain("also learning from", plain.Stderr);
        string ValLoss(string output) => File.ReadAllLines(_run.Dir.Combine(output, "history.csv"))[1].Split(',')[3];
        Assert.Equal(ValLoss("plain-1"), ValLoss("plain-2"));
        Assert.NotEqual(ValLoss("plain-1"), ValLoss("semi"));
        var events = File.ReadAllLines(_run.Dir.Combine("semi", "events.jsonl"));
        Assert.Contains(events, l => l.Contains("\"unlabeled_confident\"", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_semi_supervised_method_is_refused()
    {
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--semi-supervised", "mixmatch", "--output", _run.Dir.Combine("never-semi"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--semi-supervised 'mixmatch' is not known; use auto, off or fixmatch.", run.Stderr);
    }

    private static IEnumerable<string> DataRows(string csv) => File.ReadLines(csv).Skip(1).Where(l => l.Length > 0);

    [Fact]
    public void Critical_classes_reach_their_sensitivity_on_validation_and_are_reported()
    {
        var output = _run.Dir.Combine("critical");
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--critical", "tumor=0.95", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("critical tumor: also flag when P(tumor)", train.Stderr);
        var model = Path.Combine(output, "model.vigil");
        var evaluate = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", model, "--dataset", _run.Dataset, "--split", "val", "--format", "json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var tumor = JsonDocument.Parse(evaluate.Stdout).RootElement.GetProperty("critical").GetProperty("tumor");
        Assert.Equal(0.95, tumor.GetProperty("required").GetDouble());
        Assert.True(tumor.GetProperty("sensitivity").GetDouble() >= 0.95); // fitted on this very split, so it must hold here
        Assert.True(tumor.GetProperty("met").GetBoolean());
        var detection = JsonDocument.Parse(evaluate.Stdout).RootElement.GetProperty("per_class_detection");
        Assert.True(detection.GetProperty("tumor").GetDouble() >= 0.95);
        Assert.Contains("critical tumor: sensitivity", VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", model, "--dataset", _run.Dataset, "--split", "val").Stdout);
    }

    [Theory]
    [InlineData("tumor", "--critical: 'tumor' is not CLASS=SENSITIVITY")]
    [InlineData("tumor=2", "sensitivity must be in (0, 1]")]
    [InlineData("tumour=0.9", "--critical class 'tumour' is not one of the classes")]
    [InlineData("normal=0.9", "is the normal class")]
    public void Bad_critical_classes_are_input_errors(string value, string message)
    {
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--critical", value, "--output", _run.Dir.Combine("never-critical"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(_run.Dir.Combine("never-critical")));
    }

    [Fact]
    public async Task Train_with_monitor_records_the_run_in_the_monitoring_store()
    {
        var db = _run.Dir.Combine("monitor.db");
        var env = new Dictionary<string, string> { ["MONITORING_PORT"] = "0", ["MONITORING_DB_PATH"] = db, ["MONITORING_HOST"] = "127.0.0.1" };
        var output = _run.Dir.Combine("monitored");
        var train = VigilProcess.Run(_run.Dir.Path, env, "train", "--dataset", _run.Dataset, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "2", "--batch-size", "16", "--max-batches", "2", "--monitor", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("monitor: http://127.0.0.1:", train.Stderr);

        // The store outlives the run: a server started later on the same file shows its history.
        await using var store = new Vigil.Monitoring.Storage.SqliteMetricStore(db);
        await store.InitializeAsync();
        var runs = await store.ListRunsAsync();
        var run = Assert.Single(runs);
        Assert.Equal("monitored", run.Id);
        var history = await store.QueryHistoryAsync(new Vigil.Monitoring.Storage.HistoryQuery("monitored", ["loss/train"], null, null, 100));
        Assert.True(history.Single().TotalPoints >= 2, "expected a loss point per batch");
        Assert.Equal(2, (await store.ListEpochsAsync("monitored")).Count);
    }

    [Fact]
    public async Task Train_reporting_to_a_remote_server_is_paused_resumed_and_stopped_from_it()
    {
        var folder = _run.Dir.Combine("remote-server");
        Directory.CreateDirectory(folder);
        await using var server = new Vigil.Server.MonitoringServer(
            new Vigil.Monitoring.Configuration.MonitoringOptions { Host = "127.0.0.1", Port = 0, DbPath = Path.Combine(folder, "monitor.db"), LogDirectory = folder },
            new Vigil.Server.MonitoringServerSetup { SampleSystem = false });
        Uri url = await server.StartAsync();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var output = _run.Dir.Combine("remote-controlled");
        const string id = "remote-controlled";
        // Far more epochs than it will train: only the server's Stop ends it.
        using var train = VigilProcess.Start(_run.Dir.Path, new Dictionary<string, string>(), "train", "--dataset", _run.Dataset, "--phase", "supervised",
            "--model", "tiny", "--image-size", "32", "--epochs", "500", "--batch-size", "16", "--max-batches", "2", "--monitor", url.ToString(), "--output", output);

        await Until(async () => (await Status(http)) is { } s && s.GetProperty("run_id").GetString() == id && await LastStep(http, id) >= 3, "the remote run to be live", train);
        JsonElement live = await Status(http);
        Assert.Equal("running", live.GetProperty("state").GetString());
        Assert.True(live.GetProperty("accepts_control").GetBoolean(), "the run declares that it accepts control");

        JsonElement pause = await Post(http, "api/training/pause");
        Assert.Equal(id, pause.GetProperty("run_id").GetString());
        // Paused once the trainer acknowledges, at its batch boundary; by then every point before the pause is stored.
        await Until(async () => (await Status(http)).GetProperty("state").GetString() == "paused", "the trainer to acknowledge the pause", train);
        long held = await LastStep(http, id);
        Assert.Equal(JsonValueKind.Null, (await Get(http, $"api/runs/{id}/command?wait=0")).GetProperty("command").ValueKind); // acknowledged
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.PostAsync("api/training/pause", null)).StatusCode);
        Assert.Equal(held, await LastStep(http, id));
        Assert.False(train.HasExited);

        await Post(http, "api/training/resume");
        await Until(async () => await LastStep(http, id) >= held + 3, "new steps after resuming", train);
        Assert.Equal("running", (await Status(http)).GetProperty("state").GetString());

        await Post(http, "api/training/stop");
        CliRun ended = train.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(ended.ExitCode == 130, $"exit {ended.ExitCode}: {ended.Stderr}"); // interrupted, as after Ctrl-C
        Assert.True(File.Exists(Path.Combine(output, "supervised", "checkpoints", "last.ckpt")), "a stop saves a checkpoint to resume from");
        Assert.Equal("stopped", (await Get(http, $"api/runs/{id}")).GetProperty("run").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, (await Get(http, $"api/runs/{id}/command?wait=0")).GetProperty("command").ValueKind);

        // The trainer's own log: no batch between its pause and its resume, the pause where the server's points stopped,
        // and the stop came from the server.
        var events = Vigil.Core.Runs.RunEventLog.ReadRunFolder(output).Events;
        int paused = events.ToList().FindIndex(e => e is Vigil.Core.Runs.RunStatusChanged { Status: Vigil.Core.Runs.RunStatus.Paused });
        int resumed = events.ToList().FindIndex(paused, e => e is Vigil.Core.Runs.RunStatusChanged { Status: Vigil.Core.Runs.RunStatus.Running });
        Assert.True(paused > 0 && resumed > paused, "the trainer reported its pause and its resume");
        Assert.DoesNotContain(events.Skip(paused).Take(resumed - paused), e => e is Vigil.Core.Runs.BatchCompleted);
        Assert.Equal(held, events.Take(paused).OfType<Vigil.Core.Runs.BatchCompleted>().Last().GlobalStep);
        var stopping = events.OfType<Vigil.Core.Runs.RunStatusChanged>().Single(e => e.Status == Vigil.Core.Runs.RunStatus.Stopping);
        Assert.Equal("stopped from the monitoring server", stopping.Message);
    }

    [Fact]
    public void Train_with_an_unreachable_monitor_url_still_trains()
    {
        // Nothing listens there: the run must neither fail nor hang on the monitor.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)) { probe.Start(); port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; }
        var output = _run.Dir.Combine("unmonitored");
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--monitor", $"http://127.0.0.1:{port}", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "model.vigil")));
    }

    private static async Task<JsonElement> Get(HttpClient http, string path)
    {
        using HttpResponseMessage response = await http.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> Post(HttpClient http, string path)
    {
        using HttpResponseMessage response = await http.PostAsync(path, null);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<JsonElement> Status(HttpClient http) => Get(http, "api/status");

    // The last loss step the server stored for the run (0 before any).
    private static async Task<long> LastStep(HttpClient http, string run)
    {
        JsonElement series = (await Get(http, $"api/metrics/history?run={run}&series=loss/train&max_points=100000")).GetProperty("series");
        return series.GetArrayLength() == 0 ? 0 : series[0].GetProperty("buckets").EnumerateArray().Last().GetProperty("last_step").GetInt64();
    }

    // Polls until the condition holds; fails (with the trainer's output when it ended) after a generous deadline.
    private static async Task Until(Func<Task<bool>> condition, string what, RunningVigil trainer)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(2); await Task.Delay(50))
        {
            if (await condition()) return;
            if (trainer.HasExited) Assert.Fail($"the trainer ended before {what}: {trainer.WaitForExit(TimeSpan.Zero).Stderr}");
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    [Fact]
    public void A_classifier_without_a_normal_class_trains_and_classifies()
    {
        // CSV input names no normal class: the model is a plain classifier with no anomaly score.
        var output = _run.Dir.Combine("no-normal");
        // Copies beside the dataset root: CSV paths are relative to the CSV's own folder, and the split files' to the root.
        var trainCsv = Path.Combine(_run.Dataset, "nn-train.csv");
        var valCsv = Path.Combine(_run.Dataset, "nn-val.csv");
        File.Copy(Path.Combine(_run.Dataset, "splits", "train.csv"), trainCsv, overwrite: true);
        File.Copy(Path.Combine(_run.Dataset, "splits", "val.csv"), valCsv, overwrite: true);
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--train-csv", trainCsv, "--val-csv", valCsv, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var image = Directory.GetFiles(_run.Dir.Combine("s", "brain_mri", "tumor"), "*.png").First();
        var detect = VigilProcess.Run(_run.Dir.Path, "detect", "--model", Path.Combine(output, "model.vigil"), image, "--format", "json");
        Assert.True(detect.ExitCode == 0, detect.Stderr);
        var row = JsonDocument.Parse(detect.Stdout).RootElement[0];
        Assert.False(row.GetProperty("is_anomaly").GetBoolean());
        Assert.Equal(JsonValueKind.String, row.GetProperty("predicted_class_name").ValueKind);
    }

    [Fact]
    public void Normal_class_makes_csv_training_report_anomaly_metrics()
    {
        // Without --normal-class every CSV image counts as an anomaly and the anomaly AUROC is undefined.
        var trainCsv = Path.Combine(_run.Dataset, "nc-train.csv");
        var valCsv = Path.Combine(_run.Dataset, "nc-val.csv");
        File.Copy(Path.Combine(_run.Dataset, "splits", "train.csv"), trainCsv, overwrite: true);
        File.Copy(Path.Combine(_run.Dataset, "splits", "val.csv"), valCsv, overwrite: true);
        string[] common = ["train", "--train-csv", trainCsv, "--val-csv", valCsv, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--format", "json"];
        var named = VigilProcess.Run(_run.Dir.Path, [.. common, "--normal-class", "normal", "--output", _run.Dir.Combine("nc-named")]);
        Assert.True(named.ExitCode == 0, named.Stderr);
        var val = JsonDocument.Parse(named.Stdout).RootElement.GetProperty("validation");
        Assert.Equal(JsonValueKind.Number, val.GetProperty("auroc").ValueKind);
        Assert.True(val.GetProperty("normal").GetInt32() > 0 && val.GetProperty("anomalous").GetInt32() > 0, val.ToString());

        var unnamed = VigilProcess.Run(_run.Dir.Path, [.. common, "--output", _run.Dir.Combine("nc-unnamed")]);
        Assert.True(unnamed.ExitCode == 0, unnamed.Stderr);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(unnamed.Stdout).RootElement.GetProperty("validation").GetProperty("auroc").ValueKind);

        var unknown = VigilProcess.Run(_run.Dir.Path, [.. common, "--normal-class", "healthy", "--output", _run.Dir.Combine("nc-unknown")]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("healthy", unknown.Stderr);
    }

    [Fact]
    public void A_labeled_validation_split_chooses_the_VAE_score_unless_one_is_asked_for()
    {
        // Validation = every labeled image (tens of normals and anomalies): enough to compare the VAE's score kinds.
        var trainCsv = Path.Combine(_run.Dataset, "sc-train.csv");
        var valCsv = Path.Combine(_run.Dataset, "sc-val.csv");
        File.Copy(Path.Combine(_run.Dataset, "splits", "train.csv"), trainCsv, overwrite: true);
        File.Copy(Path.Combine(_run.Dataset, "labeled.csv"), valCsv, overwrite: true);
        string[] common = ["train", "--train-csv", trainCsv, "--val-csv", valCsv, "--normal-class", "normal", "--phase", "unsupervised",
            "--image-size", "32", "--epochs", "1", "--batch-size", "16", "--max-batches", "2"];
        var chosen = VigilProcess.Run(_run.Dir.Path, [.. common, "--output", _run.Dir.Combine("sc-chosen")]);
        Assert.True(chosen.ExitCode == 0, chosen.Stderr);
        var line = System.Text.RegularExpressions.Regex.Match(chosen.Stderr,
            @"unsupervised: score ([a-z-]+) (kept, the best|chosen over [a-z-]+) on \d+ labeled validation images \((.+)\)");
        Assert.True(line.Success, chosen.Stderr);
        // Every candidate the model can compute is measured, and the package records the winner.
        foreach (var kind in new[] { "learned-map-or-latent", "learned-anomaly-map", "error-plus-latent" }) Assert.Contains(kind + " ", line.Groups[3].Value);
        var recorded = Vigil.ML.Inference.ModelPackage.ReadManifest(_run.Dir.Combine("sc-chosen", "model.vigil")).Models.Vae!.Score;
        Assert.Equal(Vigil.ML.Models.Vae.VaeScoreNames.Parse(line.Groups[1].Value, "score").ToString(), recorded);

        var asked = VigilProcess.Run(_run.Dir.Path, [.. common, "--vae-score", "structural-error", "--output", _run.Dir.Combine("sc-asked")]);
        Assert.True(asked.ExitCode == 0, asked.Stderr);
        Assert.DoesNotContain("labeled validation images (", asked.Stderr);
        Assert.Equal("StructuralError", Vigil.ML.Inference.ModelPackage.ReadManifest(_run.Dir.Combine("sc-asked", "model.vigil")).Models.Vae!.Score);
    }

    [Fact]
    public void A_run_that_fails_tells_its_watchers_why()
    {
        // A training CSV with one labeled class: the classifier cannot train, which is found once the run has started.
        var output = _run.Dir.Combine("one-class");
        var lines = File.ReadAllLines(Path.Combine(_run.Dataset, "splits", "train.csv"));
        string label = lines[1].Split(',')[1];
        var trainCsv = Path.Combine(_run.Dataset, "one-class-train.csv");
        File.WriteAllLines(trainCsv, lines.Take(1).Concat(lines.Skip(1).Where(l => l.Split(',')[1] == label)));
        File.Copy(Path.Combine(_run.Dataset, "splits", "val.csv"), Path.Combine(_run.Dataset, "one-class-val.csv"), overwrite: true);
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--train-csv", trainCsv, "--val-csv", Path.Combine(_run.Dataset, "one-class-val.csv"),
            "--phase", "supervised", "--model", "tiny", "--image-size", "32", "--epochs", "1", "--output", output);
        Assert.Equal(2, train.ExitCode);
        Assert.Contains("fewer than two labeled classes", train.Stderr);
        var last = JsonDocument.Parse(File.ReadLines(Path.Combine(output, "events.jsonl")).Last()).RootElement;
        Assert.Equal("run_status_changed", last.GetProperty("type").GetString());
        Assert.Equal("failed", last.GetProperty("status").GetString());
        Assert.Contains("fewer than two labeled classes", last.GetProperty("message").GetString());
    }

    [Fact]
    public void Monitor_with_a_bad_url_is_an_input_error()
    {
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--monitor", "ftp://nowhere", "--output", _run.Dir.Combine("never-monitored"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not an http(s) URL", run.Stderr);
    }

    [Theory]
    [InlineData("unsupervised", "reconstruction_score", "supervised_score")]
    [InlineData("supervised", "supervised_score", "reconstruction_score")]
    public void A_single_phase_run_packages_a_detector_with_that_model_only(string phase, string present, string absent)
    {
        var output = _run.Dir.Combine("single-" + phase);
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--phase", phase, "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var image = Directory.GetFiles(_run.Dir.Combine("s", "brain_mri", "tumor"), "*.png").First();
        var detect = VigilProcess.Run(_run.Dir.Path, "detect", "--model", Path.Combine(output, "model.vigil"), image, "--format", "json");
        Assert.True(detect.ExitCode == 0, detect.Stderr);
        var row = JsonDocument.Parse(detect.Stdout).RootElement[0];
        Assert.Equal(JsonValueKind.Number, row.GetProperty(present).ValueKind);
        Assert.True(!row.TryGetProperty(absent, out var a) || a.ValueKind == JsonValueKind.Null, $"{absent} should be absent");
        Assert.InRange(row.GetProperty("anomaly_score").GetDouble(), 0, 1);
    }

    [Theory]
    [InlineData("--phase", "sideways", "--phase 'sideways'")]
    [InlineData("--model", "b9", "--model 'b9'")]
    [InlineData("--augment", "heavy", "--augment 'heavy' is not a preset")]
    [InlineData("--threshold-method", "magic", "--threshold-method 'magic'")]
    [InlineData("--vae-data", "everything", "--vae-data 'everything'")]
    [InlineData("--tta", "rotate", "--tta 'rotate' is not known")]
    [InlineData("--tta", "hflip", "add --hflip")]
    [InlineData("--erase", "1.5", "--erase 1.5 is not a probability")]
    public void Bad_train_options_are_input_errors(string option, string value, string message)
    {
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, option, value, "--output", _run.Dir.Combine("never"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(_run.Dir.Combine("never")));
    }

    [Theory]
    [InlineData("--augment", "none", "--augment none turns off")]
    [InlineData("--no-augment", null, "--no-augment turns off")]
    public void Erasing_without_augmentation_is_an_input_error(string option, string? value, string message)
    {
        string[] args = ["train", "--dataset", _run.Dataset, "--erase", "0.3", option, .. value is null ? Array.Empty<string>() : [value], "--output", _run.Dir.Combine("never")];
        var run = VigilProcess.Run(_run.Dir.Path, args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(_run.Dir.Combine("never")));
    }

    [Fact]
    public void Test_time_flip_is_kept_in_the_model_so_evaluate_reproduces_training()
    {
        var output = _run.Dir.Combine("tta");
        var train = VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dataset, "--phase", "supervised", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "2", "--hflip", "--tta", "hflip", "--output", output);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var model = Path.Combine(output, "model.vigil");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(model))
        using (var manifest = zip.GetEntry("manifest.json")!.Open())
            Assert.True(JsonDocument.Parse(manifest).RootElement.GetProperty("models").GetProperty("classifier").GetProperty("test_time_flip").GetBoolean());
        var trained = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement.GetProperty("test");
        var evaluate = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", model, "--dataset", _run.Dataset, "--split", "test", "--format", "json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var evaluated = JsonDocument.Parse(evaluate.Stdout).RootElement;
        // Evaluation loads the setting from the model file: same probabilities, so the same AUROC as at training time.
        Assert.Equal(trained.GetProperty("classifier_auroc").GetProperty("macro").GetDouble(), evaluated.GetProperty("classifier_auroc").GetProperty("macro").GetDouble(), 9);
        Assert.Equal(trained.GetProperty("accuracy").GetDouble(), evaluated.GetProperty("accuracy").GetDouble(), 9);
    }

    [Fact]
    public void Missing_data_and_models_are_input_errors()
    {
        Assert.Equal(2, VigilProcess.Run(_run.Dir.Path, "train", "--dataset", _run.Dir.Combine("nope")).ExitCode);
        Assert.Equal(2, VigilProcess.Run(_run.Dir.Path, "train", "--train-csv", Path.Combine(_run.Dataset, "splits", "train.csv")).ExitCode);
        var detect = VigilProcess.Run(_run.Dir.Path, "detect", "--model", _run.Dir.Combine("none.vigil"), _run.Dataset);
        Assert.Equal(2, detect.ExitCode);
        Assert.Contains("does not exist", detect.Stderr);
        // A mistaken option (images are arguments, not --input) is named as one, with the right form.
        var option = VigilProcess.Run(_run.Dir.Path, "detect", "--model", _run.Model, "--input", _run.Dataset);
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("unknown option '--input'", option.Stderr);
        Assert.Contains("vigil detect scan.png", option.Stderr);
        var notModel = _run.Dir.Combine("fake.vigil");
        File.WriteAllText(notModel, "zip? no");
        var bad = VigilProcess.Run(_run.Dir.Path, "evaluate", "--model", notModel, "--dataset", _run.Dataset);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("fake.vigil", bad.Stderr);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }
}
