using System.Text.Json;

namespace Vigil.Monitoring.Storage;

/// <summary>A run as the store keeps it (the row behind <c>GET /api/runs/{id}</c>).</summary>
public sealed record RunInfo
{
    /// <summary>The run id (a Vigil run folder's name, or what an external trainer chose).</summary>
    public required string Id { get; init; }

    /// <summary>A name for people; the id when none was given.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="RunStates"/>.</summary>
    public string State { get; init; } = RunStates.Idle;

    /// <summary>Where the run came from: <c>vigil</c> (in-process trainer) or <c>external</c> (the ingestion API).</summary>
    public string Source { get; init; } = "vigil";

    /// <summary>When the store first saw it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed (state, config, final metrics).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The run's configuration (dataset, phase, classes, epochs…), a JSON object, or null.</summary>
    public JsonElement? Config { get; init; }

    /// <summary>Hyper-parameters (learning rate, optimizer…), a JSON object, or null.</summary>
    public JsonElement? Hyperparameters { get; init; }

    /// <summary>The final (or latest evaluated) metrics, a JSON object, or null while there are none.</summary>
    public JsonElement? FinalMetrics { get; init; }
}
