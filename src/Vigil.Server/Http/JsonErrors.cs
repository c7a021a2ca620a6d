using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Vigil.Server.Http;

/// <summary>
/// Turns the JSON parser's complaints into sentences a client can act on: which field, what it should be, and what
/// came (<c>"epochs" must be a whole number, not "abc"</c>), never the parser's .NET type names. The expected kind is
/// read from the route's own request type through the serializer's metadata, so it is right for every field.
/// </summary>
internal static partial class JsonErrors
{
    /// <summary>The user-facing sentence for <paramref name="error"/>, raised reading <paramref name="body"/> as <paramref name="target"/>.</summary>
    public static string Describe(JsonException error, Type target, JsonSerializerOptions options, ReadOnlyMemory<byte> body)
    {
        if (error.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("maximum allowed depth", StringComparison.OrdinalIgnoreCase))
            return $"the JSON is nested more than {Depth(options)} levels deep; send a flatter object";
        if (!IsWellFormed(body, options))
            return error.LineNumber is { } line
                ? $"the body is not valid JSON (line {line + 1}, character {(error.BytePositionInLine ?? 0) + 1}); send a JSON object"
                : "the body is not valid JSON; send a JSON object";
        string path = error.Path ?? "$";
        if (MissingRequired().Match(error.Message) is { Success: true } missing)
            return $"{Place(path, "the body")} is missing {missing.Groups[1].Value.Replace("'", "\"", StringComparison.Ordinal)}";
        string? expected = Expected(target, path, options);
        string came = Came(body, path);
        if (expected is null) return $"{Place(path, "the body")} has a value this route cannot use ({came})";
        return $"{Place(path, "the body")} must be {expected}, not {came}";
    }

    private static bool IsWellFormed(ReadOnlyMemory<byte> body, JsonSerializerOptions options)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = Depth(options) });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int Depth(JsonSerializerOptions options) => options.MaxDepth == 0 ? 64 : options.MaxDepth;

    // "$.points[3].value" → "\"points[3].value\""; "$" → the fallback.
    private static string Place(string? path, string whole) =>
        path is null or "$" ? whole : "\"" + path.TrimStart('$').TrimStart('.') + "\"";

    private static readonly Regex Segment = SegmentPattern();

    /// <summary>What the member at <paramref name="path"/> of <paramref name="target"/> takes, in words; null when the path leaves the type.</summary>
    internal static string? Expected(Type target, string path, JsonSerializerOptions options)
    {
        Type type = target;
        foreach (Match segment in Segment.Matches(path))
        {
            if (segment.Groups["index"].Success)
            {
                Type? element = ElementType(type);
                if (element is null) return null;
                type = element;
                continue;
            }
            string name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
            JsonTypeInfo info = options.GetTypeInfo(type);
            JsonPropertyInfo? property = info.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null) return null;
            type = property.PropertyType;
        }
        return Describe(type);
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int)) return "a whole number between -2147483648 and 2147483647";
        if (type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a date and time such as \"2026-01-31T12:00:00Z\"";
        if (type == typeof(JsonElement)) return "a JSON value";
        if (type.IsAssignableTo(typeof(IDictionary))) return "an object";
        if (ElementType(type) is not null) return "an array";
        return "an object";
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>The value found at <paramref name="path"/> in the body, shortened for a message.</summary>
    private static string Came(ReadOnlyMemory<byte> body, string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
            JsonElement node = document.RootElement;
            foreach (Match segment in Segment.Matches(path))
            {
                if (segment.Groups["index"].Success)
                {
                    int index = int.Parse(segment.Groups["index"].Value, CultureInfo.InvariantCulture);
                    if (node.ValueKind != JsonValueKind.Array || index >= node.GetArrayLength()) return "what was sent";
                    node = node[index];
                }
                else
                {
                    string name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                    if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node)) return "what was sent";
                }
            }
            return node.ValueKind switch
            {
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => "an array",
                JsonValueKind.Null => "null",
                _ => Shorten(node.GetRawText()),
            };
        }
        catch (JsonException)
        {
            return "what was sent";
        }
        catch (FormatException)
        {
            return "what was sent";
        }
        catch (OverflowException)
        {
            return "what was sent";
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex SegmentPattern();

    [GeneratedRegex(@"missing required properties,? including: (.+?)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex MissingRequired();
}
