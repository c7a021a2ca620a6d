using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Json;

/// <summary>
/// The one JSON style of everything Vigil writes or prints (dataset files, <c>--format json</c>, later the API):
/// snake_case keys and enum values, indented, UTF-8 without escaping non-ASCII letters.
/// </summary>
public static class VigilJson
{
    /// <summary>Shared serializer options (also tolerant when reading: comments and trailing commas are accepted).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Class names and paths are data, not HTML: keep "é" and "+" readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
