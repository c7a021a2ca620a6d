using System.Diagnostics;
using System.Globalization;

namespace Vigil.Monitoring.Systems;

/// <summary>
/// Samples the machine: CPU from <c>/proc/stat</c> (busy share between two samples), memory from <c>/proc/meminfo</c>,
/// this process's resident memory, free disk where the store lives, and the first GPU through NVML when there is one.
/// Call <see cref="Sample"/> about once a second; <see cref="Latest"/> holds the last result. Thread-safe.
/// </summary>
public sealed class SystemSampler : IDisposable
{
    private readonly object _gate = new();
    private readonly string _diskPath;
    private readonly TimeProvider _time;
    private readonly Nvml? _nvml;
    private readonly string _gpuStatus;
    private (ulong Busy, ulong Total)? _previousCpu;
    private SystemSnapshot? _latest;

    /// <summary>Creates a sampler.</summary>
    /// <param name="diskPath">A path on the disk whose free space is reported (the store's folder).</param>
    /// <param name="time">The clock.</param>
    /// <param name="probeGpu">False skips NVML entirely (tests, or a user who does not want it).</param>
    public SystemSampler(string diskPath = ".", TimeProvider? time = null, bool probeGpu = true)
    {
        _diskPath = diskPath;
        _time = time ?? TimeProvider.System;
        string reason = "GPU monitoring off";
        _nvml = probeGpu ? Nvml.TryOpen(out reason) : null;
        _gpuStatus = _nvml is null ? "unavailable: " + reason : "available";
    }

    /// <summary>The last sample, or null before the first.</summary>
    public SystemSnapshot? Latest
    {
        get { lock (_gate) return _latest; }
    }

    /// <summary>Takes a sample now.</summary>
    public SystemSnapshot Sample()
    {
        lock (_gate)
        {
            (ulong busy, ulong total)? cpu = ReadCpu();
            double? cpuPercent = null;
            if (cpu is { } now && _previousCpu is { } before && now.total > before.Total)
                cpuPercent = Math.Clamp(100.0 * (now.busy - before.Busy) / (now.total - before.Total), 0, 100);
            if (cpu is not null) _previousCpu = cpu;
            (long? ramTotal, long? ramAvailable) = ReadMemory();
            (long? diskFree, long? diskTotal) = ReadDisk(_diskPath);
            GpuSnapshot? gpu = null;
            try
            {
                gpu = _nvml?.Read();
            }
            catch (Exception)
            {
                // A driver hiccup must not stop CPU/RAM sampling; the GPU shows as unknown for this sample.
            }
            _latest = new SystemSnapshot
            {
                Timestamp = _time.GetUtcNow(),
                CpuPercent = cpuPercent,
                CpuCount = Environment.ProcessorCount,
                RamTotalBytes = ramTotal,
                RamUsedBytes = ramTotal is { } t && ramAvailable is { } a ? t - a : null,
                ProcessBytes = Environment.WorkingSet,
                DiskFreeBytes = diskFree,
                DiskTotalBytes = diskTotal,
                Gpu = gpu,
                GpuStatus = gpu is not null ? "available" : _gpuStatus,
            };
            return _latest;
        }
    }

    /// <summary>Samples every <paramref name="interval"/> until cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false)) Sample();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
    }

    /// <summary>Releases NVML.</summary>
    public void Dispose()
    {
        lock (_gate) _nvml?.Dispose();
    }

    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
    internal static (ulong Busy, ulong Total)? ParseCpu(string firstLine)
    {
        string[] fields = firstLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu") return null;
        ulong total = 0, idle = 0;
        for (int i = 1; i < fields.Length && i <= 8; i++)
        {
            if (!ulong.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)) return null;
            total += value;
            if (i is 4 or 5) idle += value; // idle and iowait
        }
        return (total - idle, total);
    }

    // "MemTotal:  24564164 kB" and "MemAvailable: ..." lines.
    internal static (long? Total, long? Available) ParseMemory(IEnumerable<string> lines)
    {
        long? total = null, available = null;
        foreach (string line in lines)
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kilobytes(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kilobytes(line);
        }
        return (total, available);

        static long? Kilobytes(string line)
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
        }
    }

    private static (ulong, ulong)? ReadCpu()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return reader.ReadLine() is { } line ? ParseCpu(line) : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static (long?, long?) ReadMemory()
    {
        try
        {
            return ParseMemory(File.ReadLines("/proc/meminfo"));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        // Off Linux: the runtime knows the total the GC may use, not what the machine has free.
        return (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, null);
    }

    private static (long?, long?) ReadDisk(string path)
    {
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(path));
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null);
        }
    }
}
