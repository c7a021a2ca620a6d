using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Json;

namespace Vigil.Core.Runs;

/// <summary>
/// How run events are written and read everywhere (the <c>events.jsonl</c> log, the monitoring store, the WebSocket):
/// <see cref="VigilJson"/>'s snake_case style on one line, with a leading <c>type</c> discriminator.
/// </summary>
public static class RunEventJson
{
    /// <summary>
    /// The options: <see cref="VigilJson.Options"/>, compact, with NaN and ±Infinity written as the strings
    /// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>: a diverging loss is exactly what a monitor must see, and the
    /// shared strict options would refuse to write it. Readers may meet <c>type</c> anywhere in the object.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Every <c>type</c> value this version reads.</summary>
    public static IReadOnlySet<string> KnownTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RunStarted.TypeName, BatchCompleted.TypeName, EpochCompleted.TypeName,
        EvaluationCompleted.TypeName, RunStatusChanged.TypeName, CheckpointSaved.TypeName,
    };

    /// <summary>One event as one line of JSON (no line break inside or at the end).</summary>
    public static string Serialize(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        // As the base type: only then does the serializer write the discriminator.
        return JsonSerializer.Serialize(runEvent, Options);
    }

    /// <summary>Reads one event written by <see cref="Serialize"/> (or by any writer of the same schema).</summary>
    /// <exception cref="JsonException">The text is not JSON, lacks a known <c>type</c>, or misses a required field.</exception>
    public static RunEvent Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<RunEvent>(json, Options)
                ?? throw new JsonException("a run event cannot be null");
        }
        catch (NotSupportedException e)
        {
            // What the serializer throws for a missing or unknown discriminator on an abstract base.
            throw new JsonException($"not a known run event (type must be one of {string.Join(", ", KnownTypes)}): {e.Message}", e);
        }
    }

    /// <summary>The <c>type</c> of a JSON object, or null when the text is not an object with a string <c>type</c>.</summary>
    public static string? PeekType(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out JsonElement type)
                && type.ValueKind == JsonValueKind.String
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(VigilJson.Options)
        {
            WriteIndented = false,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            AllowOutOfOrderMetadataProperties = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
