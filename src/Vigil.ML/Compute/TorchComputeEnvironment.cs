using TorchSharp;
using Vigil.ML.Native;
using Vigil.NativeFix;

namespace Vigil.ML.Compute;

/// <summary>The machine as libtorch sees it. Loads libtorch through <see cref="TorchNative"/> before asking it anything.</summary>
public sealed class TorchComputeEnvironment : IComputeEnvironment
{
    /// <summary>The single instance (it holds no state of its own).</summary>
    public static TorchComputeEnvironment Instance { get; } = new();

    private TorchComputeEnvironment() { }

    /// <inheritdoc />
    public int LogicalCores => Environment.ProcessorCount;

    /// <inheritdoc />
    public bool CudaAvailable
    {
        get
        {
            TorchNative.EnsureLoaded();
            return torch.cuda.is_available();
        }
    }

    /// <inheritdoc />
    public int CudaDeviceCount => CudaAvailable ? torch.cuda.device_count() : 0;

    /// <inheritdoc />
    public string DescribeCudaAbsence()
    {
        // A CUDA libtorch ships libtorch_cuda.so beside libtorch_cpu.so; without it no driver could help.
        string? cpuLibrary = LoadedLibraries.FindMapped("libtorch_cpu.so");
        string? folder = cpuLibrary is null ? null : Path.GetDirectoryName(cpuLibrary);
        bool cudaBuild = LoadedLibraries.FindMapped("libtorch_cuda.so") is not null
            || (folder is not null && File.Exists(Path.Combine(folder, "libtorch_cuda.so")));
        return cudaBuild
            ? "no CUDA device or driver was found"
            : "this build ships the CPU-only libtorch (TorchSharp-cpu)";
    }

    /// <inheritdoc />
    public void SetThreads(int threads)
    {
        TorchNative.EnsureLoaded();
        torch.set_num_threads(threads);
    }
}
