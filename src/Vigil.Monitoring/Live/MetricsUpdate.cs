using System.Text.Json.Serialization;

namespace Vigil.Monitoring.Live;

// The WebSocket "metrics_update" message. Property names are pinned with JsonPropertyName because they are a
// contract with the dashboard (the TypeScript MetricsUpdate interface in the monitoring issue), not a naming policy.
// A figure that is not known is null (never a made-up number); "val" is left out while there is none, as "val?" says.

/// <summary>The <c>metrics_update</c> message: where the run is and its latest figures.</summary>
public sealed record MetricsUpdate
{
    /// <summary>The message type, always <c>metrics_update</c>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "metrics_update";

    /// <summary>The epoch in progress, counted from 1 (0 before the first batch).</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>The batch within the epoch, counted from 1.</summary>
    [JsonPropertyName("batch")] public int Batch { get; init; }

    /// <summary>Batches in the epoch.</summary>
    [JsonPropertyName("total_batches")] public int TotalBatches { get; init; }

    /// <summary>The figures.</summary>
    [JsonPropertyName("metrics")] public UpdateMetrics Metrics { get; init; } = new();

    /// <summary>Machine resources.</summary>
    [JsonPropertyName("system")] public UpdateSystem System { get; init; } = new();

    /// <summary>When it was built, ISO 8601 UTC.</summary>
    [JsonPropertyName("timestamp")] public string Timestamp { get; init; } = "";

    /// <summary>The run it describes (an addition to the contract; clients may ignore it).</summary>
    [JsonPropertyName("run_id")] public string? RunId { get; init; }
}

/// <summary>The <c>metrics</c> object of <see cref="MetricsUpdate"/>.</summary>
public sealed record UpdateMetrics
{
    /// <summary>Training loss (mean over the epoch's batches so far) and validation loss (last epoch).</summary>
    [JsonPropertyName("loss")] public TrainVal Loss { get; init; } = new();

    /// <summary>Training accuracy (mean over the epoch's batches so far) and validation accuracy (last epoch).</summary>
    [JsonPropertyName("accuracy")] public TrainVal Accuracy { get; init; } = new();

    /// <summary>Validation AUROC, macro and support-weighted (last epoch).</summary>
    [JsonPropertyName("auc_roc")] public AucRoc AucRoc { get; init; } = new();

    /// <summary>Validation macro F1 (last epoch).</summary>
    [JsonPropertyName("f1_score")] public double? F1Score { get; init; }

    /// <summary>The learning rate of the latest step.</summary>
    [JsonPropertyName("learning_rate")] public double? LearningRate { get; init; }

    /// <summary>Each monitored class: its sensitivity, threshold and status.</summary>
    [JsonPropertyName("critical_conditions")] public IReadOnlyDictionary<string, CriticalConditionState> CriticalConditions { get; init; } = new Dictionary<string, CriticalConditionState>();

    /// <summary>Validation sensitivity (recall) of every class (last epoch).</summary>
    [JsonPropertyName("per_class")] public IReadOnlyDictionary<string, double> PerClass { get; init; } = new Dictionary<string, double>();
}

/// <summary>A training and a validation figure.</summary>
public sealed record TrainVal
{
    /// <summary>The training figure, or null while unknown.</summary>
    [JsonPropertyName("train")] public double? Train { get; init; }

    /// <summary>The validation figure; omitted until the first validation.</summary>
    [JsonPropertyName("val")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Val { get; init; }
}

/// <summary>The <c>auc_roc</c> object.</summary>
public sealed record AucRoc
{
    /// <summary>Unweighted mean over classes.</summary>
    [JsonPropertyName("macro")] public double? Macro { get; init; }

    /// <summary>Mean weighted by class support.</summary>
    [JsonPropertyName("weighted")] public double? Weighted { get; init; }
}

/// <summary>One entry of <c>critical_conditions</c>.</summary>
public sealed record CriticalConditionState
{
    /// <summary>The class's latest sensitivity.</summary>
    [JsonPropertyName("sensitivity")] public double Sensitivity { get; init; }

    /// <summary>The minimum configured for it.</summary>
    [JsonPropertyName("threshold")] public double Threshold { get; init; }

    /// <summary><c>ok</c>, <c>warning</c> or <c>critical</c>.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = ConditionStatus.Ok;
}

/// <summary>The <c>system</c> object: null fields are not measurable here (no GPU), never guessed.</summary>
public sealed record UpdateSystem
{
    /// <summary>GPU utilisation, percent, or null without a GPU.</summary>
    [JsonPropertyName("gpu_usage")] public double? GpuUsage { get; init; }

    /// <summary>GPU memory in use, percent of the device's memory, or null without a GPU.</summary>
    [JsonPropertyName("gpu_memory")] public double? GpuMemory { get; init; }

    /// <summary>GPU temperature, °C, or null without a GPU.</summary>
    [JsonPropertyName("gpu_temp")] public double? GpuTemp { get; init; }

    /// <summary>Machine RAM in use, percent, or null while not sampled.</summary>
    [JsonPropertyName("ram_usage")] public double? RamUsage { get; init; }

    /// <summary>Estimated seconds to the end of the run, or null while unknown.</summary>
    [JsonPropertyName("eta_seconds")] public double? EtaSeconds { get; init; }
}

/// <summary>The values of <see cref="CriticalConditionState.Status"/>.</summary>
public static class ConditionStatus
{
    /// <summary>At or above the threshold.</summary>
    public const string Ok = "ok";
    /// <summary>Below the threshold by at most the warning margin.</summary>
    public const string Warning = "warning";
    /// <summary>Further below.</summary>
    public const string Critical = "critical";

    /// <summary>0 for ok, 1 for warning, 2 for critical: a larger rank is worse.</summary>
    public static int Rank(string status) => status switch { Ok => 0, Warning => 1, Critical => 2, _ => 0 };
}
