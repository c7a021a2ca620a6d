using System.Text.Json;
using Vigil.Datasets.Manifest;

namespace Vigil.ML.Data;

/// <summary>Builds a <see cref="DatasetSpec"/> from a dataset folder or from explicit CSVs.</summary>
internal static class DatasetSpecReader
{
    public const string CacheFolderName = ".cache";

    public static DatasetSpec FromFolder(string folder, string? normalClassOption)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new DataPipelineException($"dataset folder '{root}' not found; create it with vigil organize, or pass --train-csv.");
        var trainCsv = Path.Combine(root, DatasetFiles.Split("train"));
        if (!File.Exists(trainCsv))
            throw new DataPipelineException($"'{root}' is not a dataset folder: {DatasetFiles.Split("train")} is missing; create it with vigil organize.");

        var config = ReadJson<TrainingConfig>(Path.Combine(root, DatasetFiles.TrainingConfig));
        var metadata = config is null ? ReadJson<DatasetMetadata>(Path.Combine(root, DatasetFiles.Metadata)) : null;

        // Labeled rows come from the split files (which --balance may have changed); paths are relative to the dataset folder.
        var labeled = new Dictionary<string, List<DatasetRow>>();
        var origins = new Dictionary<string, string>();
        foreach (var split in DatasetSpec.SplitNames)
        {
            var csv = Path.Combine(root, DatasetFiles.Split(split));
            labeled[split] = File.Exists(csv) ? [.. SplitCsvReader.Read(csv, root).Select(r => r.Row)] : [];
            origins[split] = DatasetFiles.Split(split);
        }
        var unlabeledCsv = Path.Combine(root, DatasetFiles.Unlabeled);
        var unlabeled = File.Exists(unlabeledCsv) ? SplitCsvReader.Read(unlabeledCsv, root) : [];

        var allLabels = labeled.Values.SelectMany(rows => rows).Select(r => r.Label);
        IReadOnlyList<string> classes = config?.Classes ?? metadata?.Classes ?? SortedLabels(allLabels);
        string? normal = ResolveNormal(normalClassOption, config?.NormalClass ?? metadata?.NormalClass, classes, root);

        var splits = new Dictionary<string, SplitSource>();
        foreach (var split in DatasetSpec.SplitNames)
        {
            // Unlabeled rows follow the labeled ones; a row of unlabeled.csv carrying a label is still treated as unlabeled.
            var extra = unlabeled.Where(r => r.Split == split).Select(r => r.Row with { Label = null }).ToList();
            var rows = labeled[split].Concat(extra).ToList();
            var origin = extra.Count > 0 ? $"{origins[split]} + {DatasetFiles.Unlabeled} (split {split})" : origins[split];
            splits[split] = new SplitSource(split, rows, classes, normal, $"{origin} of {root}");
        }
        return new DatasetSpec(root, classes, normal, config, Path.Combine(root, CacheFolderName), splits);
    }

    public static DatasetSpec FromCsvFiles(string trainCsv, string? valCsv, string? testCsv, string? normalClassOption)
    {
        var files = new List<(string Split, string Path)> { ("train", Path.GetFullPath(trainCsv)) };
        if (valCsv is not null) files.Add(("val", Path.GetFullPath(valCsv)));
        if (testCsv is not null) files.Add(("test", Path.GetFullPath(testCsv)));

        // Paths in a hand-written CSV are relative to the CSV's own folder, as in vigil organize's manifests.
        var read = files.Select(f => (f.Split, f.Path, Rows: SplitCsvReader.Read(f.Path, Path.GetDirectoryName(f.Path)!))).ToList();
        var classes = SortedLabels(read.SelectMany(f => f.Rows).Select(r => r.Row.Label));
        string? normal = ResolveNormal(normalClassOption, null, classes, string.Join(", ", files.Select(f => f.Path)));

        var splits = new Dictionary<string, SplitSource>();
        foreach (var (split, path, rows) in read)
            splits[split] = new SplitSource(split, rows.Select(r => r.Row).ToList(), classes, normal, path);
        var cache = Path.Combine(Path.GetDirectoryName(files[0].Path)!, CacheFolderName);
        return new DatasetSpec(null, classes, normal, null, cache, splits);
    }

    private static string[] SortedLabels(IEnumerable<string?> labels)
    {
        var set = labels.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(set, StringComparer.Ordinal); // ordinal: the same class ids on every machine and culture
        return set;
    }

    private static string? ResolveNormal(string? option, string? fromDataset, IReadOnlyList<string> classes, string where)
    {
        if (string.IsNullOrWhiteSpace(option)) return fromDataset;
        var wanted = option.Trim();
        return classes.FirstOrDefault(c => c == wanted)
            ?? classes.FirstOrDefault(c => string.Equals(c, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw new DataPipelineException(classes.Count == 0
                ? $"--normal-class '{wanted}' was given but no image of {where} has a label; drop --normal-class or label the images."
                : $"--normal-class '{wanted}' is not one of the classes ({string.Join(", ", classes)}) of {where}; pick one of them.");
    }

    private static T? ReadJson<T>(string path) where T : class
    {
        if (!File.Exists(path)) return null;
        try { return DatasetJson.Read<T>(path); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DataPipelineException($"'{path}' is unreadable ({e.Message.Split('\n')[0]}); re-run vigil organize.", e);
        }
    }
}
