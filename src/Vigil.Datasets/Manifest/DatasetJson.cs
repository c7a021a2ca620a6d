using System.Text.Json;

namespace Vigil.Datasets.Manifest;

/// <summary>JSON settings of the dataset folder: snake_case keys, indented, UTF-8 without escaping non-ASCII letters.</summary>
public static class DatasetJson
{
    /// <summary>Options used to write and read metadata.json and training_config.json.</summary>
    public static JsonSerializerOptions Options => Vigil.Core.Json.VigilJson.Options;

    /// <summary>Writes a value as a JSON file (UTF-8, trailing newline).</summary>
    public static void Write<T>(string path, T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Reads a JSON file written by <see cref="Write{T}"/>.</summary>
    /// <exception cref="JsonException">The file is not valid JSON of that shape.</exception>
    public static T? Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Options);
}
