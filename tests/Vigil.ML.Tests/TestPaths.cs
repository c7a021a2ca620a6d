using System.Reflection;
using System.Text;
using TorchSharp;
using Vigil.NativeFix;

namespace Vigil.ML.Tests;

/// <summary>Paths the tests compare against, from build-time metadata (see the csproj).</summary>
internal static class TestPaths
{
    public static string RepoRoot => Metadata("VigilRepositoryRoot");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>The untouched library in the NuGet cache, for the TorchSharp version this assembly was built with.</summary>
    public static string CachedLibTorchSharp
    {
        get
        {
            string version = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
                .InformationalVersion.Split('+')[0];
            return Path.Combine(NuGetPackageRoot, "torchsharp", version, "runtimes", "linux-x64", "native", LibTorchSharpFix.LibraryFileName);
        }
    }

    /// <summary>
    /// The copy the build put in this test's own output folder: at its root, since the build targets linux-x64
    /// (Directory.Build.props), which flattens runtime-specific native assets.
    /// </summary>
    public static string OutputLibTorchSharp => Path.Combine(AppContext.BaseDirectory, LibTorchSharpFix.LibraryFileName);

    /// <summary>
    /// Whether this machine's libstdc++ has GLIBCXX_3.4.32, found by a plain byte search (independent of the ELF reader):
    /// version names are stored NUL-terminated in .dynstr.
    /// </summary>
    public static bool StdCxxHas(string version)
    {
        string path = LoadedLibraries.FindStdCxx() ?? throw new InvalidOperationException("no libstdc++ found");
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-ml-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // best effort; a leftover temp folder must not fail a test
    }
}

/// <summary>Tests that change libtorch's process-wide state (threads, seed) run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch global state";
}
