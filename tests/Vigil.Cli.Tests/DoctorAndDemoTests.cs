using System.Text.Json;

namespace Vigil.Cli.Tests;

public class DoctorAndDemoTests
{
    [Fact]
    public void Doctor_reports_every_part_and_is_healthy_here()
    {
        var run = VigilProcess.Run(Path.GetTempPath(), "doctor", "--format", "json");
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        var checks = json.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("component").GetString()!, c => c);
        foreach (var part in new[] { ".NET", "TorchSharp/libtorch", "threads", "compute", "CUDA", "codec PNG", "codec JPEG", "codec TIFF", "DICOM" })
            Assert.True(checks.ContainsKey(part), $"doctor does not report {part}: {string.Join(", ", checks.Keys)}");
        Assert.Equal("ok", checks["TorchSharp/libtorch"].GetProperty("status").GetString());
        Assert.True(json.GetProperty("healthy").GetBoolean(), run.Stdout);
        Assert.Equal(0, run.ExitCode);
    }

    [Theory]
    [InlineData("--device", "cuda", "CUDA is not available")]
    [InlineData("--device", "gpu", "--device")]
    [InlineData("--threads", "0", "--threads 0")]
    public void Compute_options_are_resolved_in_one_place_and_bad_values_are_input_errors(string option, string value, string message)
    {
        var run = VigilProcess.Run(Path.GetTempPath(), "doctor", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void Threads_option_reaches_libtorch()
    {
        var run = VigilProcess.Run(Path.GetTempPath(), "doctor", "--threads", "1", "--format", "json");
        var compute = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("component").GetString() == "threads");
        Assert.StartsWith("1 torch threads", compute.GetProperty("detail").GetString());
    }

    [Fact]
    public void Demo_generates_organizes_and_prints_the_dataset()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "demo", "--per-organ", "60", "--epochs", "1", "--model", "tiny", "--image-size", "32");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("synthetic_brain_chest", run.Stdout);
        Assert.Contains("hemorrhage", run.Stdout);
        Assert.Contains("Training plan", run.Stdout);
        Assert.True(File.Exists(dir.Combine("demo", "datasets", "synthetic_brain_chest", "training_config.json")));
        // Trained all phases and showed detections on held-out images.
        string runFolder = Assert.Single(Directory.GetDirectories(dir.Combine("demo", "runs")));
        Assert.Matches(@"^demo-\d{8}-\d{6}$", Path.GetFileName(runFolder));
        Assert.True(File.Exists(Path.Combine(runFolder, "model.vigil")));
        Assert.Contains("supervised epoch 1/1", run.Stderr);
        Assert.Contains("unsupervised epoch 1/1", run.Stderr);
        Assert.Contains("Step 4/4", run.Stdout);
        Assert.Matches("(ANOMALY|normal) +│ +0\\.\\d{3}", run.Stdout);
        // Every row says whether it is right, and the count of wrong rows under the table matches the rows.
        var rows = run.Stdout.Split('\n').Where(l => l.StartsWith("│ synthetic_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Matches("│ (yes|.*WRONG.*) +│$", r.TrimEnd()));
        int wrong = rows.Count(r => r.Contains("WRONG", StringComparison.Ordinal));
        Assert.Contains(wrong == 0 ? $"All {rows.Count} verdicts and classes above are right." : $"{wrong} of {rows.Count} rows above are WRONG", run.Stdout);
        // The unknown-anomaly figure (the normal-only VAE) next to the hybrid one; the head learned from normals only.
        Assert.Matches("Test AUROC on all \\d+ test images: hybrid \\d\\.\\d{3}; unknown anomalies \\(the VAE alone, trained on normal images only\\) \\d\\.\\d{3}; classifier alone \\d\\.\\d{3}", run.Stdout);
        Assert.Contains("anomaly head trained on", run.Stderr);
        Assert.DoesNotContain("labeled anomalies pushed above", run.Stderr);
        // The monitoring server was live during training and recorded the run in the workspace's store.
        Assert.Matches("Monitor: http://(localhost|127\\.0\\.0\\.1):\\d+/", run.Stdout);
        Assert.True(File.Exists(dir.Combine("demo", "monitoring.db")));
        // Its log files too, in the workspace, not in the folder the demo was started from.
        Assert.True(File.Exists(dir.Combine("demo", "monitoring.log")));
        Assert.False(File.Exists(dir.Combine("monitoring.log")));
    }

    [Fact]
    public async Task Demo_records_the_run_in_the_monitor_store()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "demo", "--per-organ", "30", "--epochs", "1", "--model", "tiny", "--image-size", "32", "--port", "0");
        Assert.True(run.ExitCode == 0, run.Stderr);
        await using var store = new Vigil.Monitoring.Storage.SqliteMetricStore(dir.Combine("demo", "monitoring.db"));
        await store.InitializeAsync();
        var recorded = Assert.Single(await store.ListRunsAsync());
        // The run id is the run folder's name, one per demo.
        Assert.Equal(Path.GetFileName(Assert.Single(Directory.GetDirectories(dir.Combine("demo", "runs")))), recorded.Id);
        Assert.Equal("completed", recorded.State);
        Assert.Equal(2, (await store.ListEpochsAsync(recorded.Id)).Count); // one supervised, one VAE epoch
        Assert.Contains("loss/train", await store.ListSeriesAsync(recorded.Id));
        // Hemorrhage is watched as a critical class: an epoch under 0.95 sensitivity raised an alert for it.
        Assert.Contains("Critical classes watched live: hemorrhage (sensitivity ≥ 0.95)", run.Stdout);
        var supervised = (await store.ListEpochsAsync(recorded.Id)).First();
        System.Text.Json.JsonElement measured = supervised.Data.GetProperty("per_class").EnumerateArray()
            .Single(c => c.GetProperty("class").GetString() == "hemorrhage").GetProperty("sensitivity");
        // Undefined (no hemorrhage in so small a validation split) is not read as zero: no alert then.
        double? sensitivity = measured.ValueKind == System.Text.Json.JsonValueKind.Number ? measured.GetDouble() : null;
        var alerts = await store.ListAlertsAsync(recorded.Id, 10);
        if (sensitivity < 0.95) Assert.Contains(alerts, a => a.Condition == "hemorrhage" && a.Severity is "warning" or "critical");
        else Assert.DoesNotContain(alerts, a => a.Condition == "hemorrhage");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Demo_simulate_plays_the_retfound_run_through_the_monitor()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "demo", "--simulate", "--epochs", "12", "--epoch-seconds", "0", "--port", "0");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("211,952 images, 28 classes (18 fundus + 10 OCT)", run.Stdout);
        Assert.Contains("RAO ≥ 0.99, RVO ≥ 0.97, Retinal_Detachment ≥ 0.99", run.Stdout);
        Assert.Contains("Simulation complete", run.Stdout);
        Assert.False(Directory.Exists(dir.Combine("demo", "runs")), "nothing is trained");
        await using var store = new Vigil.Monitoring.Storage.SqliteMetricStore(dir.Combine("demo", "monitoring.db"));
        await store.InitializeAsync();
        var recorded = Assert.Single(await store.ListRunsAsync());
        Assert.StartsWith("retfound-simulated-", recorded.Id);
        Assert.Equal("completed", recorded.State);
        var epochs = await store.ListEpochsAsync(recorded.Id);
        Assert.Equal(12, epochs.Count);
        Assert.Contains("sensitivity/RAO", await store.ListSeriesAsync(recorded.Id));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData("--profile", "missing.json", "--simulate", "does not exist")]
    [InlineData("--epoch-seconds", "5", "--per-organ", "go with --simulate")]
    [InlineData("--epoch-seconds", "-1", "--simulate", "--epoch-seconds must be between 0 and 3600")]
    public void Demo_simulate_options_are_checked(string option, string value, string other, string message)
    {
        using var dir = new TempFolder();
        var args = other == "--per-organ" ? new[] { "demo", option, value, other, "10" } : new[] { "demo", option, value, other, "--port", "0" };
        var run = VigilProcess.Run(dir.Path, args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void Demo_with_zero_epochs_only_organizes()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "demo", "--per-organ", "30", "--epochs", "0");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("Step 2/2", run.Stdout);
        Assert.False(Directory.Exists(dir.Combine("demo", "runs")));
    }
}
