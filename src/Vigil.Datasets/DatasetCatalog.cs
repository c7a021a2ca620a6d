using System.Text.Json;
using Vigil.Datasets.Manifest;

namespace Vigil.Datasets;

/// <summary>One organized dataset found under an output folder.</summary>
/// <param name="Name">Folder name.</param>
/// <param name="Path">Absolute path.</param>
/// <param name="Metadata">Its metadata.json, or null when missing or unreadable.</param>
/// <param name="Strategy">Strategy from training_config.json, or null.</param>
/// <param name="Error">Why the metadata could not be read, or null.</param>
public sealed record DatasetSummary(string Name, string Path, DatasetMetadata? Metadata, string? Strategy, string? Error);

/// <summary>Lists the datasets under an output folder (<c>vigil datasets list</c>).</summary>
public static class DatasetCatalog
{
    /// <summary>
    /// Every sub-folder of <paramref name="outputRoot"/> holding a metadata.json, sorted by name. Hidden folders
    /// (unfinished runs) are skipped; an unreadable metadata.json is listed with <see cref="DatasetSummary.Error"/> set.
    /// A missing output folder yields an empty list.
    /// </summary>
    public static IReadOnlyList<DatasetSummary> List(string outputRoot)
    {
        var root = System.IO.Path.GetFullPath(outputRoot);
        if (!Directory.Exists(root)) return [];
        var result = new List<DatasetSummary>();
        var folders = Directory.GetDirectories(root);
        Array.Sort(folders, StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var name = System.IO.Path.GetFileName(folder);
            if (name.StartsWith('.')) continue;
            var metadataPath = System.IO.Path.Combine(folder, DatasetFiles.Metadata);
            if (!File.Exists(metadataPath)) continue;
            result.Add(Read(name, folder, metadataPath));
        }
        return result;
    }

    private static DatasetSummary Read(string name, string folder, string metadataPath)
    {
        try
        {
            var metadata = DatasetJson.Read<DatasetMetadata>(metadataPath)
                ?? throw new JsonException("metadata.json holds null");
            string? strategy = null;
            var configPath = System.IO.Path.Combine(folder, DatasetFiles.TrainingConfig);
            if (File.Exists(configPath))
            {
                try { strategy = DatasetJson.Read<TrainingConfig>(configPath)?.Strategy; }
                catch (JsonException) { }
            }
            return new DatasetSummary(name, folder, metadata, strategy, null);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new DatasetSummary(name, folder, null, null, $"metadata.json unreadable: {e.Message}");
        }
    }
}
