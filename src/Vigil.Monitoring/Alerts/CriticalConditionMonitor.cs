using Vigil.Monitoring.Live;

namespace Vigil.Monitoring.Alerts;

/// <summary>
/// Watches the sensitivity of critical classes (a missed retinal detachment costs more than a false alarm): each has
/// a threshold; a sensitivity at or above it is ok, below it by at most the margin a warning, further below critical.
/// An alert is due whenever a condition's status gets worse than it was; recovering is recorded without an alert.
/// Thread-safe.
/// </summary>
public sealed class CriticalConditionMonitor
{
    // Sensitivities are ratios of counts; this keeps 0.99 == 99/100 from reading as just below 0.99.
    private const double Tolerance = 1e-9;
    private readonly object _gate = new();
    private readonly IReadOnlyDictionary<string, double> _configured;
    private Dictionary<string, double> _thresholds;
    private readonly Dictionary<string, CriticalConditionState> _current = new(StringComparer.Ordinal);

    /// <summary>Creates a monitor.</summary>
    /// <param name="thresholds">Minimum sensitivity per class name (0..1), from configuration.</param>
    /// <param name="warningMargin">How far below a threshold is still only a warning.</param>
    public CriticalConditionMonitor(IReadOnlyDictionary<string, double> thresholds, double warningMargin)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (!double.IsFinite(warningMargin) || warningMargin < 0) throw new ArgumentOutOfRangeException(nameof(warningMargin), warningMargin, "the margin is a non-negative sensitivity difference");
        _configured = new Dictionary<string, double>(thresholds, StringComparer.Ordinal);
        _thresholds = new Dictionary<string, double>(_configured, StringComparer.Ordinal);
        WarningMargin = warningMargin;
    }

    /// <summary>The warning margin.</summary>
    public double WarningMargin { get; }

    /// <summary>The thresholds in force.</summary>
    public IReadOnlyDictionary<string, double> Thresholds
    {
        get { lock (_gate) return new Dictionary<string, double>(_thresholds, StringComparer.Ordinal); }
    }

    /// <summary>The latest state of every condition measured so far.</summary>
    public IReadOnlyDictionary<string, CriticalConditionState> Current
    {
        get { lock (_gate) return new Dictionary<string, CriticalConditionState>(_current, StringComparer.Ordinal); }
    }

    /// <summary>
    /// Starts a new run: forgets the statuses and uses the run's own targets, overridden by the configured thresholds
    /// (the operator's configuration is the stricter authority).
    /// </summary>
    public void Reset(IReadOnlyDictionary<string, double>? runTargets)
    {
        lock (_gate)
        {
            _current.Clear();
            _thresholds = new Dictionary<string, double>(runTargets ?? new Dictionary<string, double>(), StringComparer.Ordinal);
            foreach ((string name, double value) in _configured) _thresholds[name] = value;
        }
    }

    /// <summary>The status of <paramref name="sensitivity"/> against <paramref name="threshold"/> with margin <paramref name="margin"/>.</summary>
    public static string Classify(double sensitivity, double threshold, double margin) =>
        sensitivity >= threshold - Tolerance ? ConditionStatus.Ok
        : sensitivity >= threshold - margin - Tolerance ? ConditionStatus.Warning
        : ConditionStatus.Critical;

    /// <summary>
    /// Takes new sensitivities (class → value; a class without a threshold is ignored, a null value is unknown and
    /// changes nothing) and returns the conditions whose status got worse.
    /// </summary>
    public IReadOnlyList<ConditionChange> Observe(IEnumerable<KeyValuePair<string, double?>> sensitivities)
    {
        ArgumentNullException.ThrowIfNull(sensitivities);
        var worse = new List<ConditionChange>();
        lock (_gate)
        {
            foreach ((string name, double? value) in sensitivities)
            {
                if (value is not { } sensitivity || !double.IsFinite(sensitivity) || !_thresholds.TryGetValue(name, out double threshold)) continue;
                string status = Classify(sensitivity, threshold, WarningMargin);
                string previous = _current.TryGetValue(name, out CriticalConditionState? before) ? before.Status : ConditionStatus.Ok;
                _current[name] = new CriticalConditionState { Sensitivity = sensitivity, Threshold = threshold, Status = status };
                if (ConditionStatus.Rank(status) > ConditionStatus.Rank(previous))
                    worse.Add(new ConditionChange(name, previous, status, sensitivity, threshold));
            }
        }
        return worse;
    }
}

/// <summary>A condition whose status changed.</summary>
/// <param name="Condition">The class name.</param>
/// <param name="Previous">The status before.</param>
/// <param name="Status">The status now.</param>
/// <param name="Sensitivity">The sensitivity measured.</param>
/// <param name="Threshold">The threshold.</param>
public sealed record ConditionChange(string Condition, string Previous, string Status, double Sensitivity, double Threshold)
{
    /// <summary>One line for people, e.g. "RAO sensitivity 0.950 is below its threshold 0.990 (critical)".</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Condition} sensitivity {Sensitivity:0.000} is below its threshold {Threshold:0.000} ({Status}, was {Previous})");
}
