namespace Vigil.ML.Compute;

/// <summary>
/// What <see cref="ComputeResolver"/> needs to know about the machine, and the one thing it changes.
/// The real one is <see cref="TorchComputeEnvironment"/>; tests substitute their own (e.g. to see CUDA).
/// </summary>
public interface IComputeEnvironment
{
    /// <summary>Logical cores available to this process.</summary>
    int LogicalCores { get; }

    /// <summary>Whether libtorch can use a CUDA device here.</summary>
    bool CudaAvailable { get; }

    /// <summary>How many CUDA devices are visible (0 when unavailable).</summary>
    int CudaDeviceCount { get; }

    /// <summary>A short reason CUDA is unavailable, e.g. "this build ships the CPU-only libtorch (TorchSharp-cpu)".</summary>
    string DescribeCudaAbsence();

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    void SetThreads(int threads);
}
