using System.Runtime.InteropServices;
using TorchSharp;

namespace Vigil.ML.Compute;

/// <summary>
/// Runs libtorch work with one (OpenMP) thread on the calling thread only, for work beside the thread that runs the
/// models: a thread that runs a parallel op with more threads keeps its own OpenMP team for as long as it lives, and
/// as soon as two teams exist in a process (more OpenMP threads than cores) libgomp stops spinning between parallel
/// regions, so every small op of the model's thread waits for sleeping workers to wake. Measured on 2 cores: one image
/// through the demo model took 11.5 ms while its thread had the only team, 21.5 ms with a second, idle team alive.
/// <list type="bullet">
/// <item>The loader prepares batches with it. Its ops are small (a gather, a warp, a few element-wise passes: a few ms
/// per batch on one core), and one thread also makes results independent of the core count and of which thread builds
/// a batch (parallel reductions may sum in another order).</item>
/// <item>The inference service loads models with it, so that only its compute thread ever has a team.</item>
/// </list>
/// </summary>
/// <remarks>
/// <c>torch.set_num_threads</c> cannot do this: it also changes a process-wide default that every thread touching
/// libtorch later starts from (a trainer on a new thread would silently run on one core). OpenMP's own
/// <c>omp_set_num_threads</c> changes only the calling thread; it is found through libtorch's dependencies (libgomp).
/// Where it cannot be found (another OpenMP runtime, another OS), this does nothing.
/// </remarks>
public static unsafe class OpenMpThreads
{
    private static readonly Lazy<(nint Set, nint Get)> Exports = new(Resolve);

    /// <summary>True when the per-thread setting is available.</summary>
    public static bool Available => Exports.Value.Set != 0 && Exports.Value.Get != 0;

    /// <summary>One OpenMP thread on this thread until the returned scope is disposed (which restores the previous count).</summary>
    public static Scope SingleThreaded()
    {
        if (!Available) return default;
        // libtorch sets each thread's OpenMP count from its global default on the thread's first parallel op; trigger
        // that first, or it would undo ours later.
        _ = torch.get_num_threads();
        int previous = ((delegate* unmanaged<int>)Exports.Value.Get)();
        ((delegate* unmanaged<int, void>)Exports.Value.Set)(1);
        return new Scope(previous);
    }

    /// <summary>Restores the thread's previous OpenMP thread count.</summary>
    public readonly struct Scope(int previous) : IDisposable
    {
        /// <summary>Restores the count (no-op for the default scope).</summary>
        public void Dispose()
        {
            if (previous > 0) ((delegate* unmanaged<int, void>)Exports.Value.Set)(previous);
        }
    }

    private static (nint, nint) Resolve()
    {
        try
        {
            // dlsym on a library handle searches the library and its dependencies: libtorch_cpu → libgomp.
            if (!NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out nint handle)) return (0, 0);
            return NativeLibrary.TryGetExport(handle, "omp_set_num_threads", out nint set)
                && NativeLibrary.TryGetExport(handle, "omp_get_max_threads", out nint get)
                ? (set, get) : (0, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            return (0, 0);
        }
    }
}
