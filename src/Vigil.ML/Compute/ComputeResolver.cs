using TorchSharp;
using Vigil.ML.Native;

namespace Vigil.ML.Compute;

/// <summary>
/// Turns <c>--device auto|cpu|cuda[:N]</c> and <c>--threads N</c> into <see cref="ComputeSettings"/>, in one place for
/// every verb, and applies the thread count to libtorch.
/// </summary>
public static class ComputeResolver
{
    /// <summary>Resolves against this machine (<see cref="TorchComputeEnvironment"/>) and applies the thread count.</summary>
    /// <param name="device">The <c>--device</c> text; null means <c>auto</c>.</param>
    /// <param name="threads">The <c>--threads</c> value; null means all logical cores.</param>
    /// <exception cref="ComputeSettingsException">A value is invalid or cannot be honoured here; the message says how to fix it.</exception>
    /// <exception cref="TorchLoadException">libtorch cannot be loaded on this machine; the message gives the loader's reason.</exception>
    public static ComputeSettings Resolve(string? device, int? threads) =>
        Resolve(device, threads, TorchComputeEnvironment.Instance);

    /// <summary>Resolves against <paramref name="environment"/> and applies the thread count to it.</summary>
    /// <exception cref="ComputeSettingsException">A value is invalid or cannot be honoured here; the message says how to fix it.</exception>
    public static ComputeSettings Resolve(string? device, int? threads, IComputeEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        // Validate both values before touching libtorch, so typos are reported even where it cannot load.
        DeviceRequest request = DeviceRequest.Parse(device);
        int cores = Math.Max(1, environment.LogicalCores);
        int resolvedThreads = ResolveThreads(threads, cores);
        // An unloadable libtorch surfaces here as TorchLoadException: a fault of the installation, not of the input.
        (torch.Device torchDevice, string what) = ResolveDevice(request, environment);
        environment.SetThreads(resolvedThreads);
        string threadText = resolvedThreads == 1 ? "1 CPU thread" : $"{resolvedThreads} CPU threads";
        return new ComputeSettings(torchDevice, resolvedThreads, request, $"{what}, {threadText} (of {cores} logical cores)");
    }

    /// <summary>Checks <c>--threads</c>: null means all cores; otherwise 1 to the number of logical cores.</summary>
    /// <exception cref="ComputeSettingsException">The value is outside that range.</exception>
    public static int ResolveThreads(int? threads, int logicalCores)
    {
        if (threads is null) return logicalCores;
        if (threads < 1)
            throw new ComputeSettingsException($"--threads {threads} is invalid: give a whole number from 1 to {logicalCores}, or leave it out to use all {logicalCores} logical cores");
        // More intra-op threads than cores only adds contention in libtorch's thread pool.
        if (threads > logicalCores)
            throw new ComputeSettingsException($"--threads {threads} is more than the {logicalCores} logical cores available; use 1 to {logicalCores}, or leave it out to use all of them");
        return threads.Value;
    }

    private static (torch.Device Device, string Description) ResolveDevice(DeviceRequest request, IComputeEnvironment environment)
    {
        if (request.Kind == DeviceKind.Cpu) return (torch.CPU, "cpu");

        bool available = environment.CudaAvailable;
        int count = available ? environment.CudaDeviceCount : 0;
        if (count < 1)
        {
            string reason = available ? "CUDA reports no visible devices; check CUDA_VISIBLE_DEVICES" : environment.DescribeCudaAbsence();
            if (request.Kind == DeviceKind.Auto) return (torch.CPU, $"cpu (auto: CUDA is not available: {reason})");
            throw new ComputeSettingsException($"--device {request} was requested but CUDA is not available on this machine ({reason}); use --device cpu or auto");
        }

        int index = request.CudaIndex ?? 0;
        if (index >= count)
            throw new ComputeSettingsException($"--device {request} was requested but only {count} CUDA device(s) are visible (cuda:0 to cuda:{count - 1}); pick one of those, or use --device cuda");
        string origin = request.Kind == DeviceKind.Auto ? " (auto)" : "";
        return (new torch.Device(DeviceType.CUDA, index), $"cuda:{index}{origin}, GPU {index + 1} of {count}");
    }
}
