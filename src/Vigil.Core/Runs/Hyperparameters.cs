using System.Text.Json;

namespace Vigil.Core.Runs;

/// <summary>Builds <see cref="RunStarted.Hyperparameters"/> from plain values (numbers, strings, booleans, arrays).</summary>
public static class Hyperparameters
{
    /// <summary>Converts each value to its JSON form, keeping the given order.</summary>
    /// <example><c>Hyperparameters.Of(("learning_rate", 1e-3), ("optimizer", "adamw"))</c></example>
    public static IReadOnlyDictionary<string, JsonElement> Of(params (string Name, object? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, JsonElement>(values.Length, StringComparer.Ordinal);
        foreach ((string name, object? value) in values)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            // Serialised with the event options, so a NaN value is written as "NaN" rather than failing the whole event.
            result[name] = JsonSerializer.SerializeToElement(value, value?.GetType() ?? typeof(object), RunEventJson.Options);
        }
        return result;
    }
}
