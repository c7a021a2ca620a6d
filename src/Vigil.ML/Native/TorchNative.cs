using System.Runtime.InteropServices;
using TorchSharp;

namespace Vigil.ML.Native;

/// <summary>
/// Loads TorchSharp's native library through the .NET host's normal search before any TorchSharp API runs.
/// Every entry point that uses torch (<see cref="Compute.ComputeResolver"/>, <see cref="Diagnostics.TorchProbe"/>)
/// goes through here first, because when TorchSharp's own loader fails it prints a long trace to stdout, copies
/// the whole libtorch package (about 480 MB) from the NuGet cache into the application's cpu/ folder and tries the
/// unpatched library from there. Loading it ourselves stops at the loader's own one-line reason instead.
/// </summary>
public static class TorchNative
{
    // A failed dlopen() will not succeed later in the same process, so the outcome is decided once.
    private static readonly Lazy<string?> Failure = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch if needed; returns null when it is loaded, otherwise why not, on one line.</summary>
    public static string? TryLoad() => Failure.Value;

    /// <summary>Loads libtorch if needed.</summary>
    /// <exception cref="TorchLoadException">It cannot be loaded; the message is the loader's reason, on one line.</exception>
    public static void EnsureLoaded()
    {
        if (Failure.Value is { } reason) throw new TorchLoadException(reason);
    }

    private static string? Load()
    {
        // libtorch frees and re-allocates every step's buffers: keep them in the heap (why: NativeHeap).
        Core.Runtime.NativeHeap.Tune();
        try
        {
            nint library = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
            torch.InitializeDeviceType(DeviceType.CPU);
            Nnpack.Disable(library);
            return null;
        }
        catch (Exception e)
        {
            return DescribeLoadFailure(e);
        }
    }

    /// <summary>
    /// One line from a load failure: the loader's own words when there are any (a DllNotFoundException's message
    /// carries dlerror() lines such as "version `GLIBCXX_3.4.32' not found"), else the innermost message.
    /// </summary>
    internal static string DescribeLoadFailure(Exception failure)
    {
        Exception inner = failure;
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            inner = e;
            if (e is DllNotFoundException) break;
        }
        string[] lines = inner.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The first line is .NET's generic advice; the dlerror() lines follow. Prefer one that names a symbol version.
        string? versionLine = lines.FirstOrDefault(l => l.Contains("version `", StringComparison.Ordinal));
        string? loaderLine = lines.Skip(1).FirstOrDefault(l => l.Contains(": ", StringComparison.Ordinal));
        return $"{inner.GetType().Name}: {versionLine ?? loaderLine ?? string.Join(" ", lines)}";
    }
}
