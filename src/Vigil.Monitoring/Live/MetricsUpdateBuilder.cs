using System.Globalization;
using Vigil.Core.Runs;
using Vigil.Monitoring.Systems;

namespace Vigil.Monitoring.Live;

/// <summary>
/// Folds run events into the figures of the next <see cref="MetricsUpdate"/>: batch events move the position, the
/// learning rate and the running training loss/accuracy; epoch events set the validation figures, AUROC, F1 and
/// per-class sensitivities. Thread-safe.
/// </summary>
public sealed class MetricsUpdateBuilder
{
    private readonly object _gate = new();
    private string? _runId;
    private IReadOnlyList<string> _classes = [];
    private int _epoch, _batch, _totalBatches;
    private double _lossSum, _accuracySum;
    private int _lossCount, _accuracyCount;
    private double? _trainLoss, _trainAccuracy, _valLoss, _valAccuracy, _aucMacro, _aucWeighted, _f1, _learningRate, _eta;
    private Dictionary<string, double> _perClass = new(StringComparer.Ordinal);

    /// <summary>Updates the figures from one event.</summary>
    public void Apply(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        lock (_gate)
        {
            switch (runEvent)
            {
                case RunStarted started:
                    _runId = started.RunId;
                    _classes = started.Classes;
                    _epoch = Math.Max(0, started.StartEpoch - 1);
                    _batch = 0;
                    _totalBatches = started.BatchesPerEpoch;
                    _trainLoss = _trainAccuracy = _valLoss = _valAccuracy = _aucMacro = _aucWeighted = _f1 = _learningRate = _eta = null;
                    _perClass = new Dictionary<string, double>(StringComparer.Ordinal);
                    ResetRunningMeans();
                    break;
                case BatchCompleted batch:
                    _runId = batch.RunId;
                    if (batch.Epoch != _epoch) ResetRunningMeans();
                    _epoch = batch.Epoch;
                    _batch = batch.Batch;
                    _totalBatches = batch.BatchesInEpoch;
                    // Means over the epoch so far: a single batch's loss is too noisy to read on a gauge.
                    if (double.IsFinite(batch.Loss)) { _lossSum += batch.Loss; _lossCount++; _trainLoss = _lossSum / _lossCount; }
                    else _trainLoss = batch.Loss; // a diverging loss shows as such, it is not averaged away
                    if (batch.Accuracy is { } accuracy) { _accuracySum += accuracy; _accuracyCount++; _trainAccuracy = _accuracySum / _accuracyCount; }
                    _learningRate = batch.LearningRate;
                    _eta = batch.EtaSeconds ?? _eta;
                    break;
                case EpochCompleted epoch:
                    _runId = epoch.RunId;
                    _epoch = epoch.Epoch;
                    _trainLoss = epoch.TrainLoss;
                    _trainAccuracy = epoch.TrainAccuracy ?? _trainAccuracy;
                    _valLoss = epoch.ValLoss;
                    _valAccuracy = epoch.Accuracy;
                    _aucMacro = epoch.AurocMacro;
                    _aucWeighted = epoch.AurocWeighted;
                    _f1 = epoch.F1Macro;
                    _learningRate = epoch.LearningRate;
                    _eta = epoch.EtaSeconds ?? _eta;
                    _perClass = PerClassSensitivity(epoch.PerClass);
                    break;
            }
        }
    }

    /// <summary>The run the figures belong to.</summary>
    public string? RunId
    {
        get { lock (_gate) return _runId; }
    }

    /// <summary>The class names of the run (from <see cref="RunStarted"/>).</summary>
    public IReadOnlyList<string> Classes
    {
        get { lock (_gate) return _classes; }
    }

    /// <summary>Builds the message from the current figures.</summary>
    /// <param name="conditions">The critical conditions' latest states.</param>
    /// <param name="system">The latest system sample, or null when none was taken.</param>
    /// <param name="timestamp">The message's time.</param>
    public MetricsUpdate Build(IReadOnlyDictionary<string, CriticalConditionState> conditions, SystemSnapshot? system, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        lock (_gate)
        {
            return new MetricsUpdate
            {
                RunId = _runId,
                Epoch = _epoch,
                Batch = _batch,
                TotalBatches = _totalBatches,
                Metrics = new UpdateMetrics
                {
                    Loss = new TrainVal { Train = _trainLoss, Val = _valLoss },
                    Accuracy = new TrainVal { Train = _trainAccuracy, Val = _valAccuracy },
                    AucRoc = new AucRoc { Macro = _aucMacro, Weighted = _aucWeighted },
                    F1Score = _f1,
                    LearningRate = _learningRate,
                    CriticalConditions = conditions,
                    PerClass = new Dictionary<string, double>(_perClass, StringComparer.Ordinal),
                },
                System = SystemFields(system, _eta),
                Timestamp = FormatTimestamp(timestamp),
            };
        }
    }

    /// <summary>The <c>system</c> object for a sample: GPU fields null when the sample has no GPU.</summary>
    public static UpdateSystem SystemFields(SystemSnapshot? system, double? etaSeconds) => new()
    {
        GpuUsage = system?.Gpu?.UsagePercent,
        GpuMemory = system?.Gpu?.MemoryPercent,
        GpuTemp = system?.Gpu?.TemperatureCelsius,
        RamUsage = system?.RamPercent,
        EtaSeconds = etaSeconds,
    };

    /// <summary>ISO 8601 in UTC with milliseconds, as every monitoring timestamp is written.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, double> PerClassSensitivity(IReadOnlyList<ClassMetrics> perClass)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (ClassMetrics metrics in perClass)
            if (metrics.Sensitivity is { } sensitivity) map[metrics.Class] = sensitivity;
        return map;
    }

    private void ResetRunningMeans()
    {
        _lossSum = _accuracySum = 0;
        _lossCount = _accuracyCount = 0;
    }
}
