using System.Runtime.InteropServices;

namespace Vigil.Core.Runtime;

/// <summary>
/// Keeps the native memory that libtorch frees inside the process, so the next training step reuses it instead of
/// asking the kernel again.
/// <para>
/// Why: libtorch's CPU allocator frees and re-allocates every activation and gradient at each step. glibc serves
/// blocks above its mmap threshold (128 KiB to 32 MiB, adjusted dynamically) with mmap, gives them back with munmap on
/// free, and trims the heap top once 128 KiB are free; each step then faults its buffers in page by page again.
/// Measured on a 2-core EPYC: 25–35 % of CPU time in the kernel and 1,200 page faults per training image
/// (docs/benchmarks.md). Raising the mmap and trim thresholds to 1 GiB keeps those blocks in the heap; the numerics
/// are unchanged.
/// </para>
/// <para>
/// A thread other than the main one allocates from a secondary arena, made of heaps of at most 64 MiB, and glibc
/// unmaps such a heap as soon as it is wholly free, whatever the trim threshold, unless the top pad is at least a
/// heap's size. Training runs on such a thread whenever the CLI awaited something first (the demo, <c>--monitor</c>) or
/// <c>vigil serve</c> started it: the VAE at 64×64, batch 32, faulted 1.0 M times per 2,048 images there against 10 k
/// on the main thread, 13–30 % slower. So the top pad is 64 MiB too. Blocks of 64 MiB and more cannot live in a
/// secondary heap at all and are still mapped afresh off the main thread (the VAE at batch 128).
/// </para>
/// <para>
/// Done with glibc's <c>mallopt</c> from inside the process (not through MALLOC_* variables in a launcher), so every
/// way of running Vigil gets it: the CLI however it is started, the test host, a server's in-process trainer, an
/// inference service. It must run before libtorch allocates its first large block; <see cref="Tune"/> is called by
/// the CLI at start-up and by the libtorch loader. A user who sets glibc's own MALLOC_* variables or malloc tunables
/// keeps them; <c>VIGIL_NATIVE_HEAP=default</c> leaves glibc's defaults (for before/after measurements).
/// Written by hand because no .NET library exposes mallopt.
/// </para>
/// </summary>
public static class NativeHeap
{
    /// <summary>The mmap and trim threshold set: blocks up to this size come from (and return to) the heap.</summary>
    public const long Threshold = 1L << 30;

    /// <summary>Environment variable that turns the tuning off when it is "default".</summary>
    public const string SwitchVariable = "VIGIL_NATIVE_HEAP";

    /// <summary>glibc's own variables for the parameters tuned here; when one is set, the user's choice is kept.</summary>
    public static IReadOnlyList<string> GlibcVariables { get; } = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"];

    /// <summary>The top pad set: a secondary arena's heap size, so its wholly free heaps are kept rather than unmapped.</summary>
    public const long TopPad = 64L << 20;

    // glibc's <malloc.h> parameter numbers.
    private const int MTrimThreshold = -1, MTopPad = -2, MMmapThreshold = -3;

    private static readonly Lazy<NativeHeapState> State = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the tuning once per process (later calls return the first outcome); cheap and thread-safe.</summary>
    public static NativeHeapState Tune() => State.Value;

    /// <summary>One line for people: what the native heap does in this process.</summary>
    public static string Describe(NativeHeapState state) => state switch
    {
        NativeHeapState.Tuned => "glibc malloc keeps freed blocks up to 1 GiB in the process (mmap/trim thresholds raised, 64 MiB top pad), so training steps reuse their memory instead of faulting it in again",
        NativeHeapState.SetByEnvironment => "glibc malloc as set by MALLOC_* / GLIBC_TUNABLES in the environment",
        NativeHeapState.TurnedOff => $"glibc malloc defaults ({SwitchVariable}=default): each training step faults its memory in again",
        NativeHeapState.NotGlibc => "not glibc: the C library's own allocator settings",
        _ => "glibc refused the settings: defaults in use",
    };

    private static NativeHeapState Apply()
    {
        if (!OperatingSystem.IsLinux() || !IsGlibc()) return NativeHeapState.NotGlibc;
        if (string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), "default", StringComparison.OrdinalIgnoreCase))
            return NativeHeapState.TurnedOff;
        if (EnvironmentSetsMalloc()) return NativeHeapState.SetByEnvironment;
        // The mmap threshold first: setting either one also stops glibc's dynamic threshold adjustment.
        bool ok = mallopt(MMmapThreshold, (int)Threshold) == 1 & mallopt(MTrimThreshold, (int)Threshold) == 1 & mallopt(MTopPad, (int)TopPad) == 1;
        return ok ? NativeHeapState.Tuned : NativeHeapState.Refused;
    }

    private static bool EnvironmentSetsMalloc()
    {
        foreach (var name in GlibcVariables)
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return true;
        return Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true;
    }

    private static bool IsGlibc()
    {
        try { return gnu_get_libc_version() != 0; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);

    [DllImport("libc.so.6", ExactSpelling = true)]
    private static extern nint gnu_get_libc_version();
}

/// <summary>What <see cref="NativeHeap.Tune"/> did.</summary>
public enum NativeHeapState
{
    /// <summary>The thresholds are raised.</summary>
    Tuned,
    /// <summary>The environment sets glibc's malloc parameters; they are kept.</summary>
    SetByEnvironment,
    /// <summary><c>VIGIL_NATIVE_HEAP=default</c>: glibc's defaults are kept.</summary>
    TurnedOff,
    /// <summary>The C library is not glibc (musl, another OS): nothing to do.</summary>
    NotGlibc,
    /// <summary>glibc rejected a value.</summary>
    Refused,
}
