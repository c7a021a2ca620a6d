using System.Text.Json;

namespace Vigil.Server.Http;

/// <summary>
/// JSON allows <c>\ud800</c> escapes that decode to half a character; such a string cannot be written back out (the
/// store, the WebSocket, the CSV export would all fail on it), so a body holding one is refused before it is stored.
/// </summary>
internal static class JsonText
{
    /// <summary>The path of the first string or name holding a lone surrogate (<c>$</c> for a property name), or null.</summary>
    public static string? FirstBrokenString(ReadOnlySpan<byte> body)
    {
        // Cheap exit: a lone surrogate can only arrive as a \u escape (raw UTF-8 cannot encode one).
        if (body.IndexOf("\\u"u8) < 0 && body.IndexOf("\\U"u8) < 0) return null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        string? property = null;
        try
        {
            while (reader.Read())
            {
                // The reader refuses to decode a lone surrogate (InvalidOperationException); older ones returned it.
                try
                {
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        property = reader.GetString();
                        if (!IsWhole(property!)) return "$";
                    }
                    else if (reader.TokenType == JsonTokenType.String && !IsWhole(reader.GetString()!))
                        return property is null ? "$" : "$." + property;
                }
                catch (InvalidOperationException)
                {
                    return reader.TokenType == JsonTokenType.PropertyName || property is null ? "$" : "$." + property;
                }
            }
        }
        catch (JsonException)
        {
            return null; // not valid JSON at all: the parser's own message says where
        }
        return null;
    }

    private static bool IsWhole(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
