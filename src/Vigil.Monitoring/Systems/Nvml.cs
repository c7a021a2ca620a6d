using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Monitoring.Systems;

/// <summary>
/// The few NVML calls the monitor needs, bound at run time from <c>libnvidia-ml.so.1</c> (shipped with the NVIDIA
/// driver). Where the library or a device is missing, <see cref="TryOpen"/> says why instead of throwing, and the
/// monitor reports the GPU as unavailable.
/// </summary>
internal sealed unsafe class Nvml : IDisposable
{
    private const int Success = 0;
    private readonly nint _library;
    private readonly nint _device;
    private readonly delegate* unmanaged<int> _shutdown;
    private readonly delegate* unmanaged<nint, Utilization*, int> _utilization;
    private readonly delegate* unmanaged<nint, Memory*, int> _memory;
    private readonly delegate* unmanaged<nint, int, uint*, int> _temperature;
    private bool _disposed;

    private Nvml(nint library, nint device, string? name)
    {
        _library = library;
        _device = device;
        Name = name;
        _shutdown = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "nvmlShutdown");
        _utilization = (delegate* unmanaged<nint, Utilization*, int>)NativeLibrary.GetExport(library, "nvmlDeviceGetUtilizationRates");
        _memory = (delegate* unmanaged<nint, Memory*, int>)NativeLibrary.GetExport(library, "nvmlDeviceGetMemoryInfo");
        _temperature = (delegate* unmanaged<nint, int, uint*, int>)NativeLibrary.GetExport(library, "nvmlDeviceGetTemperature");
    }

    /// <summary>The first device's name.</summary>
    public string? Name { get; }

    /// <summary>Loads NVML and opens the first device; null with a reason when that is not possible.</summary>
    public static Nvml? TryOpen(out string reason, string library = "libnvidia-ml.so.1")
    {
        if (!NativeLibrary.TryLoad(library, out nint handle))
        {
            reason = $"{library} not found (no NVIDIA driver)";
            return null;
        }
        try
        {
            var init = (delegate* unmanaged<int>)Export(handle, "nvmlInit_v2");
            var count = (delegate* unmanaged<uint*, int>)Export(handle, "nvmlDeviceGetCount_v2");
            var byIndex = (delegate* unmanaged<uint, nint*, int>)Export(handle, "nvmlDeviceGetHandleByIndex_v2");
            var getName = (delegate* unmanaged<nint, byte*, uint, int>)Export(handle, "nvmlDeviceGetName");
            int status = init();
            if (status != Success) { reason = $"nvmlInit failed (NVML error {status})"; NativeLibrary.Free(handle); return null; }
            uint devices = 0;
            nint device = 0;
            if (count(&devices) != Success || devices == 0 || byIndex(0, &device) != Success)
            {
                ((delegate* unmanaged<int>)Export(handle, "nvmlShutdown"))();
                NativeLibrary.Free(handle);
                reason = "NVML sees no GPU";
                return null;
            }
            byte* buffer = stackalloc byte[96];
            string? name = getName(device, buffer, 96) == Success ? Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buffer)) : null;
            reason = "available";
            return new Nvml(handle, device, name);
        }
        catch (EntryPointNotFoundException e)
        {
            NativeLibrary.Free(handle);
            reason = $"{library} lacks {e.Message}";
            return null;
        }
    }

    /// <summary>Reads the device's figures; a call that fails leaves its figure null.</summary>
    public GpuSnapshot Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Utilization utilization;
        Memory memory;
        uint temperature;
        bool hasUtilization = _utilization(_device, &utilization) == Success;
        bool hasMemory = _memory(_device, &memory) == Success;
        bool hasTemperature = _temperature(_device, 0 /* NVML_TEMPERATURE_GPU */, &temperature) == Success;
        return new GpuSnapshot
        {
            Name = Name,
            UsagePercent = hasUtilization ? utilization.Gpu : null,
            MemoryUsedBytes = hasMemory ? (long)memory.Used : null,
            MemoryTotalBytes = hasMemory ? (long)memory.Total : null,
            TemperatureCelsius = hasTemperature ? temperature : null,
        };
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _shutdown();
        NativeLibrary.Free(_library);
    }

    private static nint Export(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out nint address) ? address : throw new EntryPointNotFoundException(name);

    [StructLayout(LayoutKind.Sequential)]
    private struct Utilization
    {
        public uint Gpu;
        public uint Memory;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Memory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }
}
