namespace Vigil.ML.Diagnostics;

/// <summary>What <see cref="TorchProbe.Run"/> found out about TorchSharp and libtorch on this machine.</summary>
public sealed record TorchProbeReport
{
    /// <summary>Whether libtorch and libLibTorchSharp.so loaded and initialised.</summary>
    public required bool Loaded { get; init; }

    /// <summary>Why loading failed, on one line (e.g. the missing GLIBCXX version the loader named); null when loaded.</summary>
    public string? LoadError { get; init; }

    /// <summary>The TorchSharp assembly's version, e.g. "0.107.0".</summary>
    public required string TorchSharpVersion { get; init; }

    /// <summary>The libtorch version TorchSharp was built against, e.g. "2.10.0"; null when not loaded.</summary>
    public string? LibTorchVersion { get; init; }

    /// <summary>libtorch's intra-op thread count at the time of the probe; null when not loaded.</summary>
    public int? Threads { get; init; }

    /// <summary>Logical cores available to this process.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>Whether CUDA is usable.</summary>
    public bool CudaAvailable { get; init; }

    /// <summary>Visible CUDA devices (0 when unavailable).</summary>
    public int CudaDeviceCount { get; init; }

    /// <summary>The libLibTorchSharp.so in use (the loaded one, or the one that failed to load); null if not found.</summary>
    public string? LibTorchSharpPath { get; init; }

    /// <summary>Whether that library carries the GLIBCXX fix.</summary>
    public LibTorchSharpPatchState PatchState { get; init; }

    /// <summary>The libstdc++ this process uses; null if none was found.</summary>
    public string? StdCxxPath { get; init; }

    /// <summary>Whether that libstdc++ provides GLIBCXX_3.4.32 (when false, the fix is what lets TorchSharp load); null if unknown.</summary>
    public bool? StdCxxHasGlibcxx3432 { get; init; }

    /// <summary>Whether the loaded libLibTorchSharp.so had to be patched to load here.</summary>
    public bool LibTorchSharpWasPatched => PatchState == LibTorchSharpPatchState.Patched;
}
