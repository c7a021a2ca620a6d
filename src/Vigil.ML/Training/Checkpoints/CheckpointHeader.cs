using System.Text.Json.Serialization;
using Vigil.ML.Persistence;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>A checkpoint's <c>header.json</c>: format, provenance, the <see cref="CheckpointState"/> and an index of the tensor entries.</summary>
public sealed record CheckpointHeader
{
    /// <summary>The layout version; a reader refuses a newer one.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The Vigil version that wrote it.</summary>
    public required string VigilVersion { get; init; }

    /// <summary>The TorchSharp version that wrote the tensor entries.</summary>
    [JsonPropertyName("torchsharp_version")]
    public string? TorchSharpVersion { get; init; }

    /// <summary>When it was written (UTC).</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>The plain state.</summary>
    public required CheckpointState State { get; init; }

    /// <summary>The tensor entries, each with its size and SHA-256.</summary>
    public required IReadOnlyList<ArchiveEntryInfo> Entries { get; init; }
}
