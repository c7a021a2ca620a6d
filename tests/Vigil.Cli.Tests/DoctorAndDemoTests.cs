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
        Assert.True(File.Exists(dir.Combine("demo", "run", "model.vigil")));
        Assert.Contains("supervised epoch 1/1", run.Stderr);
        Assert.Contains("unsupervised epoch 1/1", run.Stderr);
        Assert.Contains("Step 4/4", run.Stdout);
        Assert.Matches("(ANOMALY|normal) +│ +0\\.\\d{3}", run.Stdout);
    }

    [Fact]
    public void Demo_with_zero_epochs_only_organizes()
    {
        using var dir = new TempFolder();
        var run = VigilProcess.Run(dir.Path, "demo", "--per-organ", "30", "--epochs", "0");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("Step 2/2", run.Stdout);
        Assert.False(Directory.Exists(dir.Combine("demo", "run")));
    }
}
