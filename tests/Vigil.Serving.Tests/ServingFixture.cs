using System.Text.Json;
using Vigil.Cli.Tests;

namespace Vigil.Serving.Tests;

/// <summary>
/// One tiny trained package for every serving test (trained by the real CLI, as TrainEvaluateDetectTests' fixture does),
/// a few of its sample images, and what <c>vigil detect --format json</c> prints for them: the reference every
/// transport must match.
/// </summary>
public sealed class ServingFixture : IDisposable
{
    public TempFolder Dir { get; } = new();
    public string Model => Dir.Combine("run", "model.vigil");
    public IReadOnlyList<string> Images { get; }
    public IReadOnlyList<JsonElement> Detected { get; }

    public ServingFixture()
    {
        Run("sample", "--output", "s", "--per-organ", "40", "--image-size", "32");
        Run("organize", "--source", Dir.Combine("s", "manifest.csv"), "--name", "tiny", "--output", "out");
        Run("train", "--dataset", Dir.Combine("out", "tiny"), "--phase", "all", "--model", "tiny", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--max-batches", "3", "--output", Dir.Combine("run"), "--format", "json");
        Images = new[] { ("brain_mri", "tumor"), ("brain_mri", "normal"), ("chest_xray", "normal"), ("chest_xray", "opacity") }
            .SelectMany(f => Directory.GetFiles(Dir.Combine("s", f.Item1, f.Item2), "*.png").Order(StringComparer.Ordinal).Take(2))
            .ToList();
        CliRun detect = Run(["detect", "--model", Model, .. Images, "--format", "json"]);
        Detected = JsonDocument.Parse(detect.Stdout).RootElement.EnumerateArray().ToList();
    }

    /// <summary>A model repository folder holding the tiny model as <c>name</c> (version folders when <paramref name="versions"/> are given).</summary>
    public string Repository(params (string Name, int[] Versions)[] models)
    {
        string root = Dir.Combine("repo-" + Guid.NewGuid().ToString("N")[..8]);
        foreach ((string name, int[] versions) in models)
        {
            if (versions.Length == 0) AddModel(root, name);
            foreach (int v in versions) AddModel(root, name, v);
        }
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>Copies the package into <c>root/name[/version]/model.vigil</c>.</summary>
    public string AddModel(string root, string name, int? version = null)
    {
        string folder = version is { } v ? Path.Combine(root, name, v.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.Copy(Model, Path.Combine(folder, "model.vigil"), overwrite: true);
        return folder;
    }

    private CliRun Run(params string[] args)
    {
        CliRun run = VigilProcess.Run(Dir.Path, args);
        if (run.ExitCode != 0) throw new InvalidOperationException($"vigil {args[0]} failed: {run.Stderr}");
        return run;
    }

    public void Dispose() => Dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
