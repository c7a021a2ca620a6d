namespace Vigil.Monitoring.Remote;

/// <summary>
/// The trainer-side monitoring callback's options (the seed's names): how often to send, which classes are critical,
/// and whether to send per-class figures and this machine's resources.
/// </summary>
public sealed record MonitorCallbackOptions
{
    /// <summary>Updates sent to the server per second (points are batched between them).</summary>
    public double UpdateFrequency { get; init; } = 10;

    /// <summary>Minimum sensitivity per class, evaluated on the trainer's side and sent as <c>critical_conditions</c>.</summary>
    public IReadOnlyDictionary<string, double> CriticalThresholds { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>How far below a threshold is still a warning.</summary>
    public double WarningMargin { get; init; } = 0.02;

    /// <summary>Send per-class series, <c>per_class</c> and <c>critical_conditions</c>.</summary>
    public bool EnableClassMonitoring { get; init; } = true;

    /// <summary>Send this machine's GPU/RAM figures in <c>metrics_update.system</c> (null fields otherwise).</summary>
    public bool EnableSystemMonitoring { get; init; } = true;

    /// <summary>Points held while the server is unreachable; beyond this the oldest are dropped (and counted).</summary>
    public int MaxPendingPoints { get; init; } = 100_000;

    /// <summary>Throws when a value is out of range.</summary>
    public MonitorCallbackOptions Validate()
    {
        if (!double.IsFinite(UpdateFrequency) || UpdateFrequency <= 0 || UpdateFrequency > 1000)
            throw new ArgumentOutOfRangeException(nameof(UpdateFrequency), UpdateFrequency, "update_frequency must be more than 0 and at most 1000 per second");
        if (!double.IsFinite(WarningMargin) || WarningMargin is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(WarningMargin), WarningMargin, "the warning margin is 0..1");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingPoints, 1000);
        return this;
    }
}
