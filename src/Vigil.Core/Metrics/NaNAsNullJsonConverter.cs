using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Metrics;

/// <summary>
/// Writes a not-defined metric (NaN, e.g. AUROC when only one class is present) as JSON <c>null</c> and reads
/// <c>null</c> back as NaN. Strict JSON has no NaN, and Vigil's serializer options refuse to write one, so a
/// single undefined value would otherwise make a whole <c>--format json</c> report fail.
/// </summary>
public sealed class NaNAsNullJsonConverter : JsonConverter<double>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        // Infinities are not metric values either; null says "no number" for both.
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
