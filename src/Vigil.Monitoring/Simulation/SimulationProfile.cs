using System.Text.Json;
using Vigil.Core.Json;

namespace Vigil.Monitoring.Simulation;

/// <summary>
/// What <c>vigil demo --simulate</c> pretends to train: a dataset (size, split, classes with their share and how hard
/// each is to learn), a model, its pace and the critical classes' required sensitivities. Loaded from a JSON file
/// (snake_case names); the built-in profile is RETFound's fundus + OCT dataset v6.1.
/// </summary>
public sealed record SimulationProfile
{
    /// <summary>Display name.</summary>
    public required string Name { get; init; }
    /// <summary>Dataset name as runs record it.</summary>
    public required string Dataset { get; init; }
    /// <summary>Dataset version.</summary>
    public string? DatasetVersion { get; init; }
    /// <summary>The model the run pretends to train.</summary>
    public required string Model { get; init; }
    /// <summary>Images in the whole dataset.</summary>
    public required int Images { get; init; }
    /// <summary>Train/val/test fractions.</summary>
    public IReadOnlyList<double> Split { get; init; } = [0.70, 0.15, 0.15];
    /// <summary>Input side, pixels.</summary>
    public int ImageSize { get; init; } = 224;
    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Epochs of the run.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Peak learning rate (cosine schedule after linear warm-up).</summary>
    public double LearningRate { get; init; } = 5e-4;
    /// <summary>Warm-up epochs.</summary>
    public int WarmupEpochs { get; init; } = 3;
    /// <summary>Training throughput the run reports (images/s).</summary>
    public double ImagesPerSecond { get; init; } = 400;
    /// <summary>Required sensitivity of each critical class.</summary>
    public IReadOnlyDictionary<string, double> CriticalThresholds { get; init; } = new Dictionary<string, double>();
    /// <summary>The classes.</summary>
    public required IReadOnlyList<SimulatedClass> Classes { get; init; }

    /// <summary>Training images (the train fraction of <see cref="Images"/>).</summary>
    public int TrainImages => (int)Math.Round(Images * Split[0]);
    /// <summary>Validation images.</summary>
    public int ValImages => (int)Math.Round(Images * Split[1]);
    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => (TrainImages + BatchSize - 1) / BatchSize;

    /// <summary>The built-in RETFound profile (dataset v6.1: 211,952 images, 18 fundus + 10 OCT classes).</summary>
    public static SimulationProfile Retfound()
    {
        using Stream stream = typeof(SimulationProfile).Assembly.GetManifestResourceStream("Vigil.Monitoring.Simulation.retfound-v6.1.json")
            ?? throw new InvalidOperationException("the built-in RETFound profile is missing from the assembly");
        return Parse(stream, "built-in RETFound profile");
    }

    /// <summary>Reads and validates a profile file.</summary>
    /// <exception cref="SimulationProfileException">The file is missing, not JSON, or describes an impossible run.</exception>
    public static SimulationProfile Load(string path)
    {
        if (!File.Exists(path)) throw new SimulationProfileException($"profile file '{path}' does not exist");
        using FileStream stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    private static SimulationProfile Parse(Stream stream, string source)
    {
        SimulationProfile? profile;
        try { profile = JsonSerializer.Deserialize<SimulationProfile>(stream, VigilJson.Options); }
        catch (JsonException e) { throw new SimulationProfileException($"{source}: not a valid profile ({e.Message})"); }
        if (profile is null) throw new SimulationProfileException($"{source}: empty profile");
        var problems = profile.Problems();
        if (problems.Count > 0) throw new SimulationProfileException($"{source}: {string.Join("; ", problems)}");
        return profile;
    }

    /// <summary>What is wrong with the profile (empty when it is usable).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Images < 100) problems.Add("images must be at least 100");
        if (Split.Count != 3 || Split.Any(f => f <= 0) || Math.Abs(Split.Sum() - 1) > 1e-6) problems.Add("split must be three positive fractions summing to 1");
        if (BatchSize < 1) problems.Add("batch_size must be at least 1");
        if (Epochs < 1) problems.Add("epochs must be at least 1");
        if (ImagesPerSecond <= 0) problems.Add("images_per_second must be positive");
        if (Classes is null || Classes.Count < 2) { problems.Add("at least two classes are needed"); return problems; }
        if (Classes.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != Classes.Count) problems.Add("class names must be unique");
        foreach (SimulatedClass c in Classes)
        {
            if (string.IsNullOrWhiteSpace(c.Name)) problems.Add("a class has no name");
            if (c.Share <= 0) problems.Add($"class {c.Name}: share must be positive");
            if (c.Difficulty is < 0 or > 1) problems.Add($"class {c.Name}: difficulty must be in [0, 1]");
        }
        foreach ((string name, double threshold) in CriticalThresholds)
        {
            if (!Classes.Any(c => c.Name == name)) problems.Add($"critical class {name} is not among the classes");
            if (threshold is <= 0 or > 1) problems.Add($"critical class {name}: threshold must be in (0, 1]");
        }
        return problems;
    }
}

/// <summary>One class of a <see cref="SimulationProfile"/>.</summary>
public sealed record SimulatedClass
{
    /// <summary>Class name.</summary>
    public required string Name { get; init; }
    /// <summary>Imaging modality (fundus, oct…): errors mostly stay within a modality.</summary>
    public string Modality { get; init; } = "";
    /// <summary>Relative share of the dataset's images (normalised over the classes).</summary>
    public double Share { get; init; }
    /// <summary>0 (learnt perfectly) to 1 (hard): sets the class's final sensitivity and how slowly it gets there.</summary>
    public double Difficulty { get; init; }
    /// <summary>Whether the class is critical (its required sensitivity is in <see cref="SimulationProfile.CriticalThresholds"/>).</summary>
    public bool Critical { get; init; }
}

/// <summary>A profile that cannot be used, with the reason.</summary>
public sealed class SimulationProfileException(string message) : Exception(message);
