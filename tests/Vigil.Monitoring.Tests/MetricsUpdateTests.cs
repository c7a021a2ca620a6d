using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Systems;

namespace Vigil.Monitoring.Tests;

public sealed class MetricsUpdateTests
{
    private static MetricsUpdateBuilder Fed()
    {
        var builder = new MetricsUpdateBuilder();
        builder.Apply(Fixtures.Started() with { RunId = "r" });
        builder.Apply(Fixtures.Batch(1, 1, 4, loss: 1.0, accuracy: 0.5) with { RunId = "r" });
        builder.Apply(Fixtures.Batch(1, 2, 4, loss: 0.5, accuracy: 0.7) with { RunId = "r" });
        return builder;
    }

    [Fact]
    public void FieldNamesAreExactlyTheContract()
    {
        MetricsUpdateBuilder builder = Fed();
        builder.Apply(Fixtures.Epoch(1, 2, 4, raoSensitivity: 0.95) with { RunId = "r" });
        var conditions = new Dictionary<string, CriticalConditionState> { ["RAO"] = new() { Sensitivity = 0.95, Threshold = 0.99, Status = ConditionStatus.Critical } };
        MetricsUpdate update = builder.Build(conditions, null, Fixtures.T0);
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(update, MonitoringJson.Options));
        JsonElement root = json.RootElement;

        Assert.Equal(["type", "epoch", "batch", "total_batches", "metrics", "system", "timestamp", "run_id"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("metrics_update", root.GetProperty("type").GetString());
        JsonElement metrics = root.GetProperty("metrics");
        Assert.Equal(["loss", "accuracy", "auc_roc", "f1_score", "learning_rate", "critical_conditions", "per_class"], metrics.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.7, metrics.GetProperty("loss").GetProperty("val").GetDouble());
        Assert.Equal(0.8, metrics.GetProperty("loss").GetProperty("train").GetDouble());
        Assert.Equal(["macro", "weighted"], metrics.GetProperty("auc_roc").EnumerateObject().Select(p => p.Name));
        JsonElement rao = metrics.GetProperty("critical_conditions").GetProperty("RAO");
        Assert.Equal(["sensitivity", "threshold", "status"], rao.EnumerateObject().Select(p => p.Name));
        Assert.Equal("critical", rao.GetProperty("status").GetString());
        Assert.Equal(0.95, metrics.GetProperty("per_class").GetProperty("RAO").GetDouble());
        Assert.False(metrics.GetProperty("per_class").TryGetProperty("RVO", out _)); // undefined sensitivity is not 0
        Assert.Equal(["gpu_usage", "gpu_memory", "gpu_temp", "ram_usage", "eta_seconds"], root.GetProperty("system").EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-02T03:04:05.000Z", root.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void TrainingFiguresAreEpochMeansAndValidationIsAbsentUntilMeasured()
    {
        MetricsUpdate update = Fed().Build(new Dictionary<string, CriticalConditionState>(), null, Fixtures.T0);
        Assert.Equal((1, 2, 4), (update.Epoch, update.Batch, update.TotalBatches));
        Assert.Equal(0.75, update.Metrics.Loss.Train);
        Assert.Equal(0.6, update.Metrics.Accuracy.Train!.Value, 12);
        Assert.Equal(1e-3, update.Metrics.LearningRate);
        string json = JsonSerializer.Serialize(update, MonitoringJson.Options);
        Assert.DoesNotContain("\"val\"", json);
        Assert.Contains("\"f1_score\":null", json);
    }

    [Fact]
    public void WithoutAGpuTheGpuFieldsAreNull()
    {
        var system = new SystemSnapshot { Timestamp = Fixtures.T0, RamUsedBytes = 25, RamTotalBytes = 100, GpuStatus = "unavailable: test" };
        UpdateSystem fields = MetricsUpdateBuilder.SystemFields(system, 12);
        Assert.Null(fields.GpuUsage);
        Assert.Null(fields.GpuMemory);
        Assert.Null(fields.GpuTemp);
        Assert.Equal(25, fields.RamUsage);
        Assert.Equal(12, fields.EtaSeconds);
        UpdateSystem withGpu = MetricsUpdateBuilder.SystemFields(system with { Gpu = new GpuSnapshot { UsagePercent = 80, MemoryUsedBytes = 1, MemoryTotalBytes = 4, TemperatureCelsius = 70 } }, null);
        Assert.Equal((80.0, 25.0, 70.0), (withGpu.GpuUsage!.Value, withGpu.GpuMemory!.Value, withGpu.GpuTemp!.Value));
    }

    [Fact]
    public void ADivergingLossIsShownNotAveragedAway()
    {
        var builder = new MetricsUpdateBuilder();
        builder.Apply(Fixtures.Batch(1, 1, 4, 1.0));
        builder.Apply(Fixtures.Batch(1, 2, 4, double.NaN));
        MetricsUpdate update = builder.Build(new Dictionary<string, CriticalConditionState>(), null, Fixtures.T0);
        Assert.True(double.IsNaN(update.Metrics.Loss.Train!.Value));
        Assert.Contains("\"train\":\"NaN\"", JsonSerializer.Serialize(update, MonitoringJson.Options));
    }
}
