using Vigil.Datasets.Manifest;

namespace Vigil.Datasets;

/// <summary>What an organize run produced: everything the CLI prints as its summary.</summary>
public sealed record OrganizeResult
{
    /// <summary>Absolute path of the dataset folder.</summary>
    public required string DatasetPath { get; init; }
    /// <summary>The metadata.json written (counts per class and split, regions, modalities, duplicates, rejected…).</summary>
    public required DatasetMetadata Metadata { get; init; }
    /// <summary>The training_config.json written (strategy and its reason).</summary>
    public required TrainingConfig TrainingConfig { get; init; }
    /// <summary>Absolute path of rejected.csv.</summary>
    public required string RejectedPath { get; init; }
    /// <summary>True when a dataset of the same name existed and was replaced.</summary>
    public required bool ReplacedExisting { get; init; }
    /// <summary>Wall-clock time of the whole run.</summary>
    public required TimeSpan Elapsed { get; init; }
    /// <summary>Images per second over the whole run.</summary>
    public required double ImagesPerSecond { get; init; }
}
