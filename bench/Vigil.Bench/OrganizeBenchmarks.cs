using System.Diagnostics;
using Vigil.Datasets;
using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.Bench;

/// <summary>End-to-end `vigil organize` throughput, compared as ratios within one run (the machine is shared and noisy).</summary>
public static class OrganizeBenchmarks
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST's 70,000 IDX images (Debian dataset-fashion-mnist) organized end to end. Target ≥ 5,000 images/s.</summary>
    public static async Task FashionMnistIdx(string work)
    {
        var sources = new[] { "train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz" }.Select(f => Path.Combine(FashionMnist, f)).ToArray();
        foreach (var s in sources)
            if (!File.Exists(s)) throw new FileNotFoundException($"{s} missing: apt-get install dataset-fashion-mnist");
        var output = Path.Combine(work, "idx-out");
        // Warm-up on a copy of the test file alone (JIT, thread pool), then the measured run.
        await Organize([sources[1]], output, "warmup");
        var (seconds, images) = await Organize(sources, output, "fashion");
        Console.WriteLine($"organize-idx: {images:N0} images in {seconds:N2} s = {images / seconds:N0} images/s (target >= 5,000)");
    }

    /// <summary>2,000 512×512 PNG files: organize vs a decode-only loop over the same files. Target ratio ≥ 0.8.</summary>
    public static async Task PngFolder(string work, int count = 2000)
    {
        var folder = Path.Combine(work, "png-src");
        MakePngs(folder, count);
        var files = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories);
        var registry = ImageReaderRegistry.CreateDefault();

        double DecodeOnly()
        {
            var clock = Stopwatch.StartNew();
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
            {
                foreach (var image in registry.Read(file)) _ = image.Frame.Data.Length;
            });
            return clock.Elapsed.TotalSeconds;
        }

        DecodeOnly(); // warm-up: JIT and page cache
        var output = Path.Combine(work, "png-out");
        // Interleave the two measurements so drift on a shared machine hits both alike.
        double decode = 0, organize = 0;
        for (int round = 0; round < 2; round++)
        {
            decode += DecodeOnly();
            organize += (await Organize([folder], output, "pngs")).Seconds;
        }
        double decodeRate = 2 * files.Length / decode, organizeRate = 2 * files.Length / organize;
        Console.WriteLine($"organize-png: decode-only {decodeRate:N0} images/s, organize {organizeRate:N0} images/s, ratio {organizeRate / decodeRate:N2} (target >= 0.80)");
    }

    private static async Task<(double Seconds, int Images)> Organize(string[] sources, string output, string name)
    {
        var clock = Stopwatch.StartNew();
        var result = await new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).OrganizeAsync(
            new OrganizeOptions { Sources = sources, Name = name, OutputRoot = output }, new Progress<OrganizeProgress>(_ => { }), CancellationToken.None);
        return (clock.Elapsed.TotalSeconds, result.Metadata.NumImages);
    }

    // Smooth anatomy-like content plus noise, so files compress like real scans (not like flat test patterns).
    private static void MakePngs(string folder, int count)
    {
        if (Directory.Exists(folder) && Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories).Length == count) return;
        if (Directory.Exists(folder)) Directory.Delete(folder, true);
        foreach (var cls in new[] { "normal", "lesion" }) Directory.CreateDirectory(Path.Combine(folder, cls));
        Parallel.For(0, count, i =>
        {
            var random = new Random(i);
            var pixels = new byte[512 * 512];
            double cx = 256 + random.Next(-40, 40), cy = 256 + random.Next(-40, 40), r = 180 + random.Next(30);
            for (int y = 0; y < 512; y++)
                for (int x = 0; x < 512; x++)
                {
                    double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / r;
                    double v = d < 1 ? 120 + 60 * Math.Cos(d * 6) : 10;
                    pixels[y * 512 + x] = (byte)Math.Clamp(v + random.Next(-6, 7), 0, 255);
                }
            var cls = i % 2 == 0 ? "normal" : "lesion";
            PngEncoder.Save(ImageFrame.Grey8(512, 512, pixels), Path.Combine(folder, cls, $"img_{i:D5}.png"), System.IO.Compression.CompressionLevel.Optimal);
        });
    }
}
