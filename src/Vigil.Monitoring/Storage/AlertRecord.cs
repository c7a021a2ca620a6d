namespace Vigil.Monitoring.Storage;

/// <summary>A critical-condition alert: a class's sensitivity fell to warning or below its threshold.</summary>
public sealed record AlertRecord
{
    /// <summary>The store's id (0 before it is stored).</summary>
    public long Id { get; init; }

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>When it was raised.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The condition (class) name, e.g. <c>RAO</c>.</summary>
    public required string Condition { get; init; }

    /// <summary><c>warning</c> or <c>critical</c>.</summary>
    public required string Severity { get; init; }

    /// <summary>The sensitivity measured.</summary>
    public required double Sensitivity { get; init; }

    /// <summary>The configured minimum.</summary>
    public required double Threshold { get; init; }

    /// <summary>The epoch it was measured on, when known.</summary>
    public int? Epoch { get; init; }

    /// <summary>One line for people.</summary>
    public required string Message { get; init; }
}
