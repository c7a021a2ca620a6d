using Vigil.ML.Data;
using Vigil.Datasets;
using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.ML.Tests.Data;

/// <summary>Real image files and real dataset folders for the data pipeline tests.</summary>
internal static class DataFixtures
{
    /// <summary>
    /// Writes an 8-bit grey PNG of a smooth seeded pattern (distinct per seed, so organize finds no duplicates; smooth,
    /// like anatomy, so mild augmentations change it mildly).
    /// </summary>
    public static void GreyPng(string path, int seed, int width = 20, int height = 16)
    {
        var random = new Random(seed);
        double fx = 0.2 + random.NextDouble() * 0.3, fy = 0.2 + random.NextDouble() * 0.3;
        double px = random.NextDouble() * 6.28, py = random.NextDouble() * 6.28;
        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = (byte)Math.Clamp(128 + 60 * Math.Sin(fx * x + px) + 60 * Math.Cos(fy * y + py) + random.Next(-5, 6), 0, 255);
        SavePng(path, ImageFrame.Grey8(width, height, pixels));
    }

    public static void SavePng(string path, ImageFrame frame)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        PngEncoder.Save(frame, path);
    }

    /// <summary>
    /// Writes class folders of PNGs (<c>normal</c>, <c>tumor</c>, and top-level unlabeled files) under
    /// <c>src</c> and organizes them into <c>out/ds</c> with vigil organize's library; returns the dataset folder.
    /// </summary>
    public static string OrganizedDataset(string root, int normal = 12, int tumor = 4, int unlabeled = 4, int seedBase = 0)
    {
        var source = Path.Combine(root, "src");
        for (int i = 0; i < normal; i++) GreyPng(Path.Combine(source, "normal", $"n{i:D3}.png"), seedBase + 1000 + i);
        for (int i = 0; i < tumor; i++) GreyPng(Path.Combine(source, "tumor", $"t{i:D3}.png"), seedBase + 2000 + i);
        for (int i = 0; i < unlabeled; i++) GreyPng(Path.Combine(source, $"u{i:D3}.png"), seedBase + 3000 + i);
        return Organize(root);
    }

    /// <summary>(Re-)organizes <c>root/src</c> into <c>root/out/ds</c>.</summary>
    public static string Organize(string root)
    {
        var organizer = new DatasetOrganizer(ImageReaderRegistry.CreateDefault());
        var result = organizer.Organize(new OrganizeOptions
        {
            Sources = [Path.Combine(root, "src")], Name = "ds", OutputRoot = Path.Combine(root, "out"), Seed = 42,
            MaxDegreeOfParallelism = 1,
        });
        return result.DatasetPath;
    }

    /// <summary>Data rows of a CSV (header excluded), split on commas (the test CSVs hold no quoted fields).</summary>
    public static List<Dictionary<string, string>> CsvRows(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            return header.Select((h, i) => (h, v: cells[i])).ToDictionary(p => p.h, p => p.v);
        })];
    }
}

/// <summary>One organized dataset (30 normal, 10 tumor, 6 unlabeled 20×16 PNGs) and its train split cached at 16 px, shared by a test class.</summary>
public sealed class CachedTrainFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public CachedTrainFixture()
    {
        DatasetPath = DataFixtures.OrganizedDataset(_folder.Path, normal: 30, tumor: 10, unlabeled: 6);
        Spec = DatasetSpec.FromFolder(DatasetPath);
        Train = SplitCache.Load(Spec.Split("train"), new CacheOptions { ImageSize = 16, Channels = 1, Folder = Spec.CacheFolder, MaxDegreeOfParallelism = 1 });
    }

    public string DatasetPath { get; }
    public DatasetSpec Spec { get; }
    public CachedSplit Train { get; }

    public void Dispose()
    {
        Train.Dispose();
        _folder.Dispose();
    }
}
