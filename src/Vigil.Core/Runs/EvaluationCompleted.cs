using System.Text.Json.Serialization;

namespace Vigil.Core.Runs;

/// <summary>A split was evaluated outside the epoch loop, e.g. the test split after training or a hybrid calibration.</summary>
public sealed record EvaluationCompleted : RunEvent
{
    /// <summary>The <c>type</c> discriminator.</summary>
    public const string TypeName = "evaluation_completed";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => TypeName;

    /// <summary>The split evaluated: <c>train</c>, <c>val</c> or <c>test</c>.</summary>
    public required string Split { get; init; }

    /// <summary>The epoch whose weights were evaluated, or null for the final (best) weights.</summary>
    public int? Epoch { get; init; }

    /// <summary>What was evaluated, e.g. <c>classifier</c>, <c>vae</c>, <c>hybrid</c>.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// Scalar metrics by name, with the names <c>vigil evaluate --format json</c> uses (<c>auroc</c>, <c>accuracy</c>,
    /// <c>f1</c>, <c>threshold</c>…). A null value is a metric that is undefined on this split.
    /// </summary>
    public IReadOnlyDictionary<string, double?> Metrics { get; init; } = new Dictionary<string, double?>();

    /// <summary>Per-class figures in <see cref="RunStarted.Classes"/> order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; init; } = [];

    /// <summary>Confusion matrix: row = true class, column = predicted class; empty when not applicable.</summary>
    public IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix { get; init; } = [];

    /// <summary>Images evaluated.</summary>
    public int? Images { get; init; }
}
