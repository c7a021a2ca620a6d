namespace Vigil.Imaging.Tests.Png;

/// <summary>
/// Fuzz-style mutations of valid files for one reader: truncations at many offsets, random byte flips, random bodies.
/// The only acceptable outcomes are images or an <see cref="ImageFormatException"/>, each within a time bound.
/// </summary>
public static class ReaderMutations
{
    /// <summary>Options for mutated input: default limits, the ones hostile files must respect.</summary>
    public static ImageReadOptions Options { get; } = ImageReadOptions.Default;

    /// <summary>Reads every image of <paramref name="path"/>; fails on any outcome but success or ImageFormatException.</summary>
    public static void ExpectCleanOutcome(IImageReader reader, string path, TimeSpan? bound = null)
    {
        var task = Task.Run(() =>
        {
            try
            {
                foreach (var image in reader.Read(path, Options)) Assert.NotNull(image.Frame);
                return (Exception?)null;
            }
            catch (ImageFormatException) { return null; }
            catch (Exception e) { return e; }
        });
        Assert.True(task.Wait(bound ?? TimeSpan.FromSeconds(15)), $"reading {Path.GetFileName(path)} did not finish in time");
        Assert.True(task.Result is null, $"{Path.GetFileName(path)}: unexpected {task.Result?.GetType().Name}: {task.Result}");
    }

    /// <summary>Writes <paramref name="original"/> cut at <paramref name="count"/> offsets spread over the file, and reads each.</summary>
    public static void Truncations(IImageReader reader, byte[] original, string dir, string name, int count = 60)
    {
        var offsets = Enumerable.Range(0, count).Select(i => (int)((long)original.Length * i / count)).Distinct();
        foreach (var cut in offsets)
        {
            var path = Path.Combine(dir, $"cut{cut}-{name}");
            File.WriteAllBytes(path, original[..cut]);
            ExpectCleanOutcome(reader, path);
            File.Delete(path);
        }
    }

    /// <summary>Flips 1–4 random bytes per case, <paramref name="cases"/> times, with a fixed seed.</summary>
    public static void ByteFlips(IImageReader reader, byte[] original, string dir, string name, int cases = 150, int seed = 1)
    {
        var rng = new Random(seed);
        for (int i = 0; i < cases; i++)
        {
            var copy = (byte[])original.Clone();
            int flips = rng.Next(1, 5);
            for (int f = 0; f < flips; f++) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            var path = Path.Combine(dir, $"flip{i}-{name}");
            File.WriteAllBytes(path, copy);
            ExpectCleanOutcome(reader, path);
            File.Delete(path);
        }
    }

    /// <summary>Keeps the first <paramref name="keep"/> bytes (the magic) and fills the rest with random bytes.</summary>
    public static void RandomBodies(IImageReader reader, byte[] original, int keep, string dir, string name, int cases = 40, int seed = 2)
    {
        var rng = new Random(seed);
        for (int i = 0; i < cases; i++)
        {
            var copy = new byte[Math.Max(keep, rng.Next(keep, original.Length * 2 + 64))];
            rng.NextBytes(copy);
            original.AsSpan(0, Math.Min(keep, original.Length)).CopyTo(copy);
            var path = Path.Combine(dir, $"random{i}-{name}");
            File.WriteAllBytes(path, copy);
            ExpectCleanOutcome(reader, path);
            File.Delete(path);
        }
    }
}
