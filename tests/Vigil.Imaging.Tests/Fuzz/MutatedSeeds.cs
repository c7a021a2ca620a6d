using Vigil.Imaging.Fuzzing;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Fuzz;

/// <summary>The real seed files of every format, loaded once for the mutation tests, and a scratch folder to write mutations to.</summary>
public sealed class MutatedSeeds : IDisposable
{
    /// <summary>Every seed (tests/Vigil.Imaging.Fuzzing/FuzzSeeds.cs).</summary>
    public IReadOnlyList<FuzzSeed> All { get; } = FuzzSeeds.Load(new SeedFolders(TestCorpora.Pydicom, TestCorpora.Skimage,
        "/usr/share/mricron/templates", "/usr/share/datasets/fashion-mnist", Path.Combine(TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests")));

    /// <summary>Scratch folder for mutated files and kept failures.</summary>
    public TempDir Dir { get; } = new();

    /// <summary>A campaign over the default registry with a cap that only a hang reaches.</summary>
    public FuzzCampaign Campaign() => new(ImageReaderRegistry.CreateDefault(), Dir.Path, TimeSpan.FromSeconds(20));

    /// <summary>The seed named <paramref name="name"/> ("skimage/multipage.tif").</summary>
    public FuzzSeed Named(string name) => All.Single(s => s.Name == name);

    /// <inheritdoc />
    public void Dispose() => Dir.Dispose();
}
