using System.Text.Json;
using Vigil.Serving.Batching;

namespace Vigil.Serving.Repository;

/// <summary>
/// A model's <c>config.json</c>, after Triton's model configuration: <c>max_batch_size</c> and
/// <c>dynamic_batching</c> { <c>max_queue_delay_microseconds</c>, <c>max_queue_size</c> }. Missing settings keep the
/// defaults; a missing file is all defaults.
/// </summary>
public static class ModelConfig
{
    /// <summary>The file's name inside a model's folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Reads the batching settings of the model folder <paramref name="folder"/>.</summary>
    /// <exception cref="Core.UserInputException">The file is not JSON or holds values no batcher can use.</exception>
    public static BatchingOptions Read(string folder, BatchingOptions defaults)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return defaults;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new Core.UserInputException($"{path} must hold a JSON object");
            BatchingOptions options = defaults;
            if (root.TryGetProperty("max_batch_size", out JsonElement size)) options = options with { MaxBatchSize = Positive(size, "max_batch_size", path) };
            if (root.TryGetProperty("dynamic_batching", out JsonElement batching))
            {
                if (batching.ValueKind != JsonValueKind.Object) throw new Core.UserInputException($"{path}: \"dynamic_batching\" must be an object");
                if (batching.TryGetProperty("max_queue_delay_microseconds", out JsonElement delay))
                    options = options with { MaxQueueDelay = TimeSpan.FromMicroseconds(Positive(delay, "max_queue_delay_microseconds", path, allowZero: true)) };
                if (batching.TryGetProperty("max_queue_size", out JsonElement queue)) options = options with { MaxQueueSize = Positive(queue, "max_queue_size", path) };
            }
            return options;
        }
        catch (JsonException e)
        {
            throw new Core.UserInputException($"{path} is not valid JSON (line {(e.LineNumber ?? 0) + 1})");
        }
    }

    private static int Positive(JsonElement value, string name, string path, bool allowZero = false)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && (n > 0 || (allowZero && n == 0))) return n;
        throw new Core.UserInputException($"{path}: \"{name}\" must be a whole number {(allowZero ? "of 0 or more" : "of 1 or more")}, not {value.GetRawText()}");
    }
}
