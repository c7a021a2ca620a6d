namespace Vigil.Monitoring.Systems;

/// <summary>The machine's resources at one moment. A null figure could not be measured here; it is never estimated.</summary>
public sealed record SystemSnapshot
{
    /// <summary>When it was taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>CPU busy time over the last interval, percent of all cores (null on the first sample or off Linux).</summary>
    public double? CpuPercent { get; init; }

    /// <summary>Logical CPUs.</summary>
    public int CpuCount { get; init; }

    /// <summary>Memory in use (total minus available), bytes.</summary>
    public long? RamUsedBytes { get; init; }

    /// <summary>Total memory, bytes.</summary>
    public long? RamTotalBytes { get; init; }

    /// <summary>Memory in use, percent of total.</summary>
    public double? RamPercent => RamUsedBytes is { } used && RamTotalBytes is > 0 and { } total ? 100.0 * used / total : null;

    /// <summary>This process's resident memory, bytes.</summary>
    public long ProcessBytes { get; init; }

    /// <summary>Free space on the disk holding the store, bytes.</summary>
    public long? DiskFreeBytes { get; init; }

    /// <summary>Size of that disk, bytes.</summary>
    public long? DiskTotalBytes { get; init; }

    /// <summary>The first GPU's figures, or null when there is none (see <see cref="GpuStatus"/>).</summary>
    public GpuSnapshot? Gpu { get; init; }

    /// <summary>"available", or "unavailable: why" (no NVML library, no device, an NVML error).</summary>
    public required string GpuStatus { get; init; }
}

/// <summary>One GPU, as NVML reports it.</summary>
public sealed record GpuSnapshot
{
    /// <summary>The device's name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string? Name { get; init; }

    /// <summary>Utilisation over the driver's last sample period, percent.</summary>
    public double? UsagePercent { get; init; }

    /// <summary>Memory in use, bytes.</summary>
    public long? MemoryUsedBytes { get; init; }

    /// <summary>Memory on the device, bytes.</summary>
    public long? MemoryTotalBytes { get; init; }

    /// <summary>Memory in use, percent.</summary>
    public double? MemoryPercent => MemoryUsedBytes is { } used && MemoryTotalBytes is > 0 and { } total ? 100.0 * used / total : null;

    /// <summary>Core temperature, °C.</summary>
    public double? TemperatureCelsius { get; init; }
}
