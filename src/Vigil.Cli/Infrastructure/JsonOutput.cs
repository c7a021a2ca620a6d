using System.Text.Json;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// <c>--format json</c>: one JSON document on stdout and nothing else there (progress and logs go to stderr),
/// with snake_case keys like every file Vigil writes.
/// </summary>
public static class JsonOutput
{
    /// <summary>Serializer settings shared by every verb.</summary>
    public static JsonSerializerOptions Options => Vigil.Core.Json.VigilJson.Options;

    /// <summary>Writes the value as the verb's single JSON document.</summary>
    public static void Write<T>(T value, TextWriter? output = null)
    {
        var writer = output ?? Console.Out;
        writer.WriteLine(JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }
}
