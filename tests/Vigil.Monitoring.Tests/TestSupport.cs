using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

/// <summary>A folder under the temp directory, deleted at the end of the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-monitoring-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // SQLite's pool may hold the file a moment longer; clearing the pools releases it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Fixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static async Task<SqliteMetricStore> OpenStoreAsync(string path)
    {
        var store = new SqliteMetricStore(path);
        await store.InitializeAsync();
        return store;
    }

    public static MonitoringOptions Options(TempFolder folder, Func<MonitoringOptions, MonitoringOptions>? tweak = null)
    {
        var options = new MonitoringOptions { DbPath = folder.File("monitoring.db"), Port = 0, LogDirectory = folder.Path };
        return tweak is null ? options : tweak(options);
    }

    public static MetricPoint Point(string series, long step, double value, string run = "run-1") =>
        new(run, series, step, value, T0.AddSeconds(step));

    public static IReadOnlyList<MetricPoint> Ramp(string run, string series, int count, long firstStep = 0) =>
        Enumerable.Range(0, count).Select(i => new MetricPoint(run, series, firstStep + i, firstStep + i, T0.AddMilliseconds(i))).ToArray();

    public static RunStarted Started(int epochs = 2, int batches = 4, IReadOnlyDictionary<string, double>? targets = null) => new()
    {
        Phase = TrainingPhase.Supervised, ModelKind = "efficientnet-b0", Dataset = "retina", Classes = ["normal", "RAO", "RVO"],
        Epochs = epochs, BatchesPerEpoch = batches, BatchSize = 8,
        SensitivityTargets = targets ?? new Dictionary<string, double>(),
        Hyperparameters = Hyperparameters.Of(("learning_rate", 1e-3), ("optimizer", "adamw")),
    };

    public static BatchCompleted Batch(int epoch, int batch, int batches, double loss, double accuracy = 0.5) => new()
    {
        Epoch = epoch, Batch = batch, BatchesInEpoch = batches, GlobalStep = (epoch - 1) * batches + batch,
        Loss = loss, Accuracy = accuracy, LearningRate = 1e-3, Images = 8, ImagesPerSecond = 100, EtaSeconds = 42,
    };

    public static EpochCompleted Epoch(int epoch, int epochs, long step, double raoSensitivity) => new()
    {
        Epoch = epoch, Epochs = epochs, GlobalStep = step, TrainLoss = 0.8, ValLoss = 0.7, TrainAccuracy = 0.6, Accuracy = 0.65,
        AurocMacro = 0.9, AurocWeighted = 0.91, F1Macro = 0.6, LearningRate = 5e-4, ElapsedSeconds = 12.5,
        PerClass =
        [
            new ClassMetrics { Class = "normal", Sensitivity = 0.9, Support = 10 },
            new ClassMetrics { Class = "RAO", Sensitivity = raoSensitivity, Support = 10 },
            new ClassMetrics { Class = "RVO", Sensitivity = null, Support = 0 },
        ],
        ConfusionMatrix = [[9, 1, 0], [1, 9, 0], [0, 0, 0]],
    };
}
