namespace Vigil.Core.Tests.Runs;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Remembers every event it receives.</summary>
internal sealed class RecordingObserver : Vigil.Core.Runs.IRunObserver
{
    private readonly List<Vigil.Core.Runs.RunEvent> _events = [];

    public IReadOnlyList<Vigil.Core.Runs.RunEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void OnEvent(Vigil.Core.Runs.RunEvent runEvent)
    {
        lock (_events) _events.Add(runEvent);
    }
}

/// <summary>Fails on every event.</summary>
internal sealed class ThrowingObserver : Vigil.Core.Runs.IRunObserver
{
    public int Calls;

    public void OnEvent(Vigil.Core.Runs.RunEvent runEvent)
    {
        Calls++;
        throw new InvalidOperationException("dashboard unreachable");
    }
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-core-runs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // best effort
    }
}

/// <summary>Small, fully populated events of every kind.</summary>
internal static class SampleEvents
{
    public static Vigil.Core.Runs.RunStarted Started() => new()
    {
        Phase = Vigil.Core.Runs.TrainingPhase.Supervised,
        ModelKind = "efficientnet-b0",
        Dataset = "retina",
        DatasetPath = "/data/retina",
        Classes = ["normal", "rao", "rvo"],
        NormalClass = "normal",
        Epochs = 10,
        BatchesPerEpoch = 50,
        BatchSize = 32,
        TrainImages = 1600,
        ValImages = 320,
        ImageSize = 224,
        Device = "cpu, 2 CPU threads",
        MonitorMetric = "val_auroc_macro",
        SensitivityTargets = new Dictionary<string, double> { ["rao"] = 0.99, ["rvo"] = 0.97 },
        Hyperparameters = Vigil.Core.Runs.Hyperparameters.Of(("learning_rate", 0.001), ("optimizer", "adamw"), ("label_smoothing", 0.1)),
    };

    public static Vigil.Core.Runs.BatchCompleted Batch(int epoch = 1, int batch = 1, double loss = 0.75) => new()
    {
        Epoch = epoch,
        Batch = batch,
        BatchesInEpoch = 50,
        GlobalStep = (epoch - 1) * 50 + batch,
        Loss = loss,
        LossParts = new Dictionary<string, double> { ["recon"] = 0.5, ["kl"] = 0.25 },
        LearningRate = 0.001,
        Images = 32,
        ImagesPerSecond = 123.5,
        EtaSeconds = 3600,
    };

    public static Vigil.Core.Runs.EpochCompleted Epoch(int epoch = 1) => new()
    {
        Epoch = epoch,
        Epochs = 10,
        GlobalStep = epoch * 50,
        TrainLoss = 0.7,
        ValLoss = 0.8,
        Accuracy = 0.9,
        AurocMacro = 0.95,
        AurocWeighted = 0.96,
        F1Macro = 0.85,
        PerClass =
        [
            new Vigil.Core.Runs.ClassMetrics { Class = "normal", Sensitivity = 0.95, Specificity = 0.9, Precision = 0.92, F1 = 0.93, Support = 200 },
            new Vigil.Core.Runs.ClassMetrics { Class = "rao", Sensitivity = 0.5, Specificity = 0.99, Precision = 0.8, F1 = 0.61, Support = 20 },
            new Vigil.Core.Runs.ClassMetrics { Class = "rvo", Sensitivity = null, Support = 0 },
        ],
        ConfusionMatrix = [[190, 5, 5], [10, 10, 0], [0, 0, 0]],
        LearningRate = 0.0009,
        ImagesPerSecond = 120,
        ElapsedSeconds = 14.5,
        EtaSeconds = 130.5,
        MonitorMetric = "val_auroc_macro",
        MonitorValue = 0.95,
        IsBest = true,
        BestValue = 0.95,
    };

    public static Vigil.Core.Runs.RunEvent[] All() =>
    [
        Started(),
        Batch(),
        Epoch(),
        new Vigil.Core.Runs.EvaluationCompleted
        {
            Split = "test",
            Model = "classifier",
            Metrics = new Dictionary<string, double?> { ["auroc"] = 0.9, ["accuracy"] = 0.8, ["tpr_at_fpr"] = null },
            ConfusionMatrix = [[3, 1], [0, 4]],
            Images = 8,
        },
        new Vigil.Core.Runs.RunStatusChanged { Status = Vigil.Core.Runs.RunStatus.Paused, Previous = Vigil.Core.Runs.RunStatus.Running, Message = "paused from the dashboard", Epoch = 2 },
        new Vigil.Core.Runs.CheckpointSaved { Path = "/runs/r1/checkpoints/last.ckpt", Epoch = 2, GlobalStep = 100, IsBest = false, Bytes = 4096 },
    ];
}
