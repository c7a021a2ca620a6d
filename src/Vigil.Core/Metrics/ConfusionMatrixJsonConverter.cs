using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>Reads and writes a <see cref="ConfusionMatrix"/> as a JSON array of rows of integers.</summary>
public sealed class ConfusionMatrixJsonConverter : JsonConverter<ConfusionMatrix>
{
    /// <inheritdoc />
    public override ConfusionMatrix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var rows = JsonSerializer.Deserialize<int[][]>(ref reader, options)
            ?? throw new JsonException("a confusion matrix must be an array of rows, not null.");
        try
        {
            return new ConfusionMatrix(rows);
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"invalid confusion matrix: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ConfusionMatrix value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (int i = 0; i < value.ClassCount; i++)
        {
            writer.WriteStartArray();
            for (int j = 0; j < value.ClassCount; j++) writer.WriteNumberValue(value[i, j]);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
