using System.Reflection;
using TorchSharp;
using Vigil.ML.Native;
using Vigil.NativeFix;

namespace Vigil.ML.Diagnostics;

/// <summary>Checks whether TorchSharp works here and gathers what <c>vigil doctor</c> shows. Never throws.</summary>
public static class TorchProbe
{
    /// <summary>Loads libtorch if it is not loaded yet and reports on it; every failure becomes part of the report.</summary>
    public static TorchProbeReport Run()
    {
        try
        {
            return Probe();
        }
        catch (Exception e)
        {
            // Not expected (each step guards itself), but doctor must always get a report.
            return new TorchProbeReport
            {
                Loaded = false,
                LoadError = $"the probe itself failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}",
                TorchSharpVersion = "unknown",
                LogicalCores = Environment.ProcessorCount,
            };
        }
    }

    private static TorchProbeReport Probe()
    {
        string? stdcxx = Try(LoadedLibraries.FindStdCxx);
        var report = new TorchProbeReport
        {
            Loaded = false,
            TorchSharpVersion = TorchSharpVersion(),
            LogicalCores = Environment.ProcessorCount,
            StdCxxPath = stdcxx,
            StdCxxHasGlibcxx3432 = stdcxx is null ? null : Try<bool?>(() => LoadedLibraries.DefinesVersion(stdcxx, LibTorchSharpFix.MissingVersion)),
        };

        // TorchNative loads it without TorchSharp's fallback (stdout trace, 480 MB copy) and keeps dlerror()'s reason.
        string? loadError = TorchNative.TryLoad();

        string? library = Try(() => LoadedLibraries.FindMapped(LibTorchSharpFix.LibraryFileName)) ?? Try(FindShippedLibrary);
        report = report with { LibTorchSharpPath = library, PatchState = library is null ? LibTorchSharpPatchState.Unknown : PatchStateOf(library) };
        if (loadError is not null) return report with { LoadError = loadError };

        try
        {
            bool cuda = torch.cuda.is_available();
            return report with
            {
                Loaded = true,
                LibTorchVersion = LibTorchVersion(torch.__version__),
                Threads = torch.get_num_threads(),
                CudaAvailable = cuda,
                CudaDeviceCount = cuda ? torch.cuda.device_count() : 0,
            };
        }
        catch (Exception e)
        {
            return report with { LoadError = TorchNative.DescribeLoadFailure(e) };
        }
    }

    private static LibTorchSharpPatchState PatchStateOf(string path)
    {
        try
        {
            return LibTorchSharpFix.Analyze(File.ReadAllBytes(path)).State switch
            {
                LibTorchSharpFixState.Patched => LibTorchSharpPatchState.Patched,
                LibTorchSharpFixState.NeedsPatch => LibTorchSharpPatchState.Unpatched,
                _ => LibTorchSharpPatchState.NotNeeded,
            };
        }
        catch (Exception)
        {
            return LibTorchSharpPatchState.Unknown;
        }
    }

    // Where the host would look for native libraries when nothing is mapped yet (the load failed).
    private static string? FindShippedLibrary()
    {
        string searchPath = AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? AppContext.BaseDirectory;
        return searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, LibTorchSharpFix.LibraryFileName))
            .FirstOrDefault(File.Exists);
    }

    // TorchSharp reports the libtorch package version with a fourth, packaging-only part ("2.10.0.0");
    // libtorch itself is versioned major.minor.patch.
    private static string LibTorchVersion(string packageVersion)
    {
        string[] parts = packageVersion.Split('.');
        return parts.Length == 4 && parts[3] == "0" ? string.Join('.', parts[..3]) : packageVersion;
    }

    private static string TorchSharpVersion()
    {
        Assembly assembly = typeof(torch).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return (version ?? assembly.GetName().Version?.ToString() ?? "unknown").Split('+')[0];
    }

    private static T? Try<T>(Func<T?> read)
    {
        try { return read(); }
        catch (Exception) { return default; }
    }
}
