using Vigil.Monitoring.Live;

namespace Vigil.Monitoring.Tests;

public sealed class BufferTests
{
    [Fact]
    public void RollingBufferKeepsTheNewestInOrder()
    {
        var buffer = new RollingBuffer<int>(3);
        Assert.False(buffer.TryGetLast(out _));
        for (int i = 1; i <= 5; i++) buffer.Add(i);
        Assert.Equal([3, 4, 5], buffer.Snapshot());
        Assert.Equal(3, buffer.Count);
        Assert.True(buffer.TryGetLast(out int last));
        Assert.Equal(5, last);
        Assert.Equal([4], buffer.Where(i => i % 2 == 0));
    }

    [Fact]
    public void SeriesCacheHoldsCacheSizePointsPerSeries()
    {
        var cache = new SeriesCache(1000);
        cache.AddRange(Fixtures.Ramp("r", "loss/train", 2500));
        cache.AddRange(Fixtures.Ramp("r", "learning_rate", 10));
        cache.Add(Fixtures.Point("x", 1, 1, run: "other"));
        var loss = cache.Get("r", "loss/train");
        Assert.Equal(1000, loss.Count);
        Assert.Equal(1500, loss[0].Step);
        Assert.Equal(2499, loss[^1].Step);
        Assert.Equal(["learning_rate", "loss/train"], cache.SeriesOf("r"));
        Assert.Equal(9, cache.Latest("r")["learning_rate"].Value);
        Assert.Empty(cache.Get("r", "missing"));
    }

    [Fact]
    public void SeriesCacheKeepsOnlyTheRunsWrittenToMostRecently()
    {
        var cache = new SeriesCache(10, maxRuns: 3);
        foreach (string run in new[] { "a", "b", "c" }) cache.AddRange(Fixtures.Ramp(run, "loss/train", 5));
        cache.Add(Fixtures.Point("loss/train", 5, 1, run: "a")); // a is written again: b is now the stalest
        cache.AddRange(Fixtures.Ramp("d", "loss/train", 5));
        Assert.Equal(["a", "c", "d"], cache.Runs.Order(StringComparer.Ordinal));
        Assert.Empty(cache.Get("b", "loss/train"));
        Assert.Empty(cache.SeriesOf("b"));
        Assert.Equal(6, cache.Get("a", "loss/train").Count);
        // Many short runs later, the cache still holds three.
        for (int i = 0; i < 100; i++) cache.AddRange(Fixtures.Ramp($"run-{i}", "loss/train", 2));
        Assert.Equal(3, cache.Runs.Count);
        Assert.Equal(["run-97", "run-98", "run-99"], cache.Runs.Order(StringComparer.Ordinal));
    }
}
