using System.IO.Hashing;
using System.Text;

namespace Vigil.ML.Data;

/// <summary>Builds <see cref="DatasetSpec.Union"/>: several organized datasets read as one.</summary>
internal static class DatasetUnion
{
    public static DatasetSpec Of(IReadOnlyList<DatasetSpec> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0) throw new DataPipelineException("no dataset given; pass --dataset DIR once or more.");
        if (datasets.Count == 1) return datasets[0];
        var folders = datasets.Select(d => d.Folder ?? d.Name).ToList();
        var twice = folders.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new DataPipelineException($"dataset '{twice.Key}' is given twice; give each --dataset once.");
        var normals = datasets.Select(d => d.NormalClass).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (normals.Count > 1)
            throw new DataPipelineException(
                $"the datasets name different normal classes ({string.Join(", ", datasets.Where(d => d.NormalClass is not null).Select(d => $"{d.Name}: {d.NormalClass}"))}); " +
                "trained together they need one: re-organize them with the same --normal-class.");
        string? normal = normals.SingleOrDefault();
        var classes = datasets.SelectMany(d => d.Classes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        string name = string.Join("+", datasets.Select(d => d.Name));

        var splits = new Dictionary<string, SplitSource>();
        foreach (var split in DatasetSpec.SplitNames)
        {
            var parts = datasets.Where(d => d.Splits.ContainsKey(split)).Select(d => d.Splits[split]).ToList();
            if (parts.Count == 0) continue;
            splits[split] = new SplitSource(split, parts.SelectMany(p => p.Rows).ToList(), classes, normal, string.Join(" + ", parts.Select(p => p.Origin)));
        }
        var config = datasets.Select(d => d.Config).OfType<Datasets.Manifest.TrainingConfig>().FirstOrDefault() is { } first
            ? first with
            {
                Classes = classes, NormalClass = normal,
                ImageSize = datasets.Max(d => d.Config?.ImageSize ?? first.ImageSize),
                Channels = datasets.Max(d => d.Config?.Channels ?? first.Channels),
            }
            : null;
        // The union's caches live apart from its parts' own: same split names, other rows, and a cache write removes
        // older caches of its split name in its folder.
        var hash = new XxHash64();
        foreach (var folder in folders) hash.Append(Encoding.UTF8.GetBytes(folder + "\n"));
        string cache = Path.Combine(datasets[0].CacheFolder, "union-" + Convert.ToHexStringLower(hash.GetCurrentHash()));
        return new DatasetSpec(null, classes, normal, config, cache, splits, name, datasets);
    }
}
