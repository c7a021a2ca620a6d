using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// The list form of <see cref="NaNAsNullJsonConverter"/>: a list of metric values where some may be undefined
/// (per-class one-vs-rest AUROC of a class absent from the split) is written with <c>null</c> in those places.
/// </summary>
public sealed class NaNAsNullListJsonConverter : JsonConverter<IReadOnlyList<double>>
{
    private static readonly NaNAsNullJsonConverter Element = new();

    /// <inheritdoc />
    public override IReadOnlyList<double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of numbers (null for an undefined value).");
        }
        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(Element.Read(ref reader, typeof(double), options));
        }
        return values.ToArray();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<double> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (int i = 0; i < value.Count; i++)
        {
            Element.Write(writer, value[i], options);
        }
        writer.WriteEndArray();
    }
}
