using Vigil.Monitoring.Systems;

namespace Vigil.Monitoring.Tests;

public sealed class SystemSamplerTests
{
    [Fact]
    public void ParsesProcStatAndMeminfo()
    {
        Assert.Equal((60UL, 100UL), SystemSampler.ParseCpu("cpu  40 0 20 30 10 0 0 0 0 0"));
        Assert.Null(SystemSampler.ParseCpu("intr 1 2 3"));
        Assert.Equal((2048L, 1024L), SystemSampler.ParseMemory(["MemTotal:  2 kB", "MemFree: 0 kB", "MemAvailable:   1 kB"]));
    }

    [Fact]
    public async Task ASampleOnThisMachineIsPlausibleAndNeverInventsAGpu()
    {
        using var sampler = new SystemSampler(Path.GetTempPath());
        SystemSnapshot first = sampler.Sample();
        Assert.Null(first.CpuPercent); // no interval yet
        // A CPU share needs the kernel's tick counters to move between two samples: sample until they have.
        SystemSnapshot second = sampler.Sample();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); second.CpuPercent is null; second = sampler.Sample())
        {
            Assert.True(DateTime.UtcNow < deadline, "/proc/stat did not move in 30 s");
            await Task.Delay(10);
        }
        Assert.InRange(second.CpuPercent!.Value, 0, 100);
        Assert.True(second.RamTotalBytes > 100L << 20);
        Assert.InRange(second.RamPercent!.Value, 0, 100);
        Assert.True(second.ProcessBytes > 1 << 20);
        Assert.True(second.DiskFreeBytes > 0 && second.DiskTotalBytes >= second.DiskFreeBytes);
        Assert.Same(second, sampler.Latest);
        if (File.Exists("/proc/driver/nvidia/version"))
        {
            Assert.NotNull(second.Gpu);
            Assert.Equal("available", second.GpuStatus);
        }
        else
        {
            Assert.Null(second.Gpu);
            Assert.StartsWith("unavailable: ", second.GpuStatus);
        }
    }

    [Fact]
    public void GpuProbingCanBeTurnedOff()
    {
        using var sampler = new SystemSampler(".", probeGpu: false);
        SystemSnapshot sample = sampler.Sample();
        Assert.Null(sample.Gpu);
        Assert.Equal("unavailable: GPU monitoring off", sample.GpuStatus);
    }
}
