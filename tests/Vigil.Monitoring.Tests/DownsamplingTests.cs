using Vigil.Monitoring.Storage;
using Xunit.Abstractions;

namespace Vigil.Monitoring.Tests;

/// <summary>History downsampling through the store (min/max/last buckets, ranges, NaN, tiles), run on every store.</summary>
public abstract class DownsamplingContractTests(ITestOutputHelper output) : StoreContractTestBase
{
    [Fact]
    public async Task BucketsKeepMinMaxAndLast()
    {
        await using IMetricStore store = await OpenStoreAsync();
        // Steps 0..9; values chosen so each pair's min, max and last differ in position.
        double[] values = [5, 1, 2, 8, 9, 3, 0, 0, 7, 4];
        await store.AppendPointsAsync(values.Select((v, i) => Fixtures.Point("loss/train", i, v)).ToArray());

        SeriesHistory history = Assert.Single(await store.QueryHistoryAsync(new HistoryQuery("run-1", ["loss/train"], null, null, 5)));
        Assert.Equal(10, history.TotalPoints);
        Assert.Equal(
            [new(0, 1, 1, 5, 1, 2), new(2, 3, 2, 8, 8, 2), new(4, 5, 3, 9, 3, 2), new(6, 7, 0, 0, 0, 2), new HistoryBucket(8, 9, 4, 7, 4, 2)],
            history.Buckets);
    }

    [Fact]
    public async Task ASpikeSurvivesDownsamplingAndRangesAreRespected()
    {
        await using IMetricStore store = await OpenStoreAsync();
        var points = Fixtures.Ramp("run-1", "loss/train", 10_000).Select(p => p with { Value = p.Step == 4321 ? 1e6 : 1 }).ToList();
        points.Add(Fixtures.Point("other", 1, 3));
        await store.AppendPointsAsync(points);

        IReadOnlyList<SeriesHistory> all = await store.QueryHistoryAsync(new HistoryQuery("run-1", [], null, null, 100));
        Assert.Equal(["loss/train", "other"], all.Select(s => s.Series));
        SeriesHistory loss = all[0];
        Assert.Equal(100, loss.Buckets.Count);
        Assert.Equal(1e6, loss.Buckets.Max(b => b.Max));
        Assert.Equal(10_000, loss.Buckets.Sum(b => b.Count));

        SeriesHistory window = Assert.Single(await store.QueryHistoryAsync(new HistoryQuery("run-1", ["loss/train"], 100, 199, 1000)));
        Assert.Equal(100, window.Buckets.Count); // fewer points than max_points: every point is its own bucket
        Assert.Equal(100, window.Buckets[0].FirstStep);
        Assert.Equal(199, window.Buckets[^1].LastStep);
        Assert.Empty((await store.QueryHistoryAsync(new HistoryQuery("run-1", ["loss/train"], 20_000, null, 10)))[0].Buckets);
        Assert.Empty(await store.QueryHistoryAsync(new HistoryQuery("no-such-run", [], null, null, 10)));
    }

    [Fact]
    public async Task NaNValuesAreMissingNotZero()
    {
        await using IMetricStore store = await OpenStoreAsync();
        await store.AppendPointsAsync([Fixtures.Point("loss/train", 0, 2), Fixtures.Point("loss/train", 1, double.NaN)]);
        HistoryBucket bucket = Assert.Single((await store.QueryHistoryAsync(new HistoryQuery("run-1", [], null, null, 1)))[0].Buckets);
        Assert.Equal(2, bucket.Min);
        Assert.Null(bucket.Last);
        Assert.Equal(2, bucket.Count);
    }

    [Fact]
    public async Task AStepWrittenAgainReadsItsLatestValue()
    {
        await using IMetricStore store = await OpenStoreAsync();
        // A resumed run logs its last steps again: the later write is the one shown.
        await store.AppendPointsAsync([Fixtures.Point("loss/train", 0, 1), Fixtures.Point("loss/train", 1, 2)]);
        await store.AppendPointsAsync([Fixtures.Point("loss/train", 1, 0.5), Fixtures.Point("loss/train", 2, 3), Fixtures.Point("loss/train", 2, 4)]);
        IReadOnlyList<HistoryBucket> buckets = (await store.QueryHistoryAsync(new HistoryQuery("run-1", [], null, null, 2)))[0].Buckets;
        Assert.Equal([new HistoryBucket(0, 1, 0.5, 2, 0.5, 3), new HistoryBucket(2, 2, 3, 4, 4, 2)], buckets);
    }

    [Fact]
    public async Task ALongRangeIsReadFromItsTilesNotFromItsPoints()
    {
        // The work bound in rows, not milliseconds (those are the monitor-downsample benchmark's): 250,000 points in
        // 1,000 buckets are answered from one summary row per whole tile plus the points of the two partial tiles at
        // the ends. So the points beneath the whole tiles can go and the answer must not change.
        await using IMetricStore store = await OpenStoreAsync();
        const int first = 10, count = 250_000; // steps 10..250,009: a partial tile at either end
        for (int offset = 0; offset < count; offset += 50_000)
            await store.AppendPointsAsync(Fixtures.Ramp("run-1", "loss/train", 50_000, first + offset));
        var query = new HistoryQuery("run-1", ["loss/train"], null, null, 1000);
        SeriesHistory before = (await store.QueryHistoryAsync(query))[0];

        long wholeFrom = (TileAccumulator.TileOf(first - 1) + 1) * TileAccumulator.Width;
        long wholeTo = TileAccumulator.TileOf(first + count) * TileAccumulator.Width; // exclusive
        int deleted = await Host.ExecuteAsync($"DELETE FROM points WHERE step >= {wholeFrom} AND step < {wholeTo}");
        SeriesHistory after = (await store.QueryHistoryAsync(query))[0];

        Assert.Equal(wholeTo - wholeFrom, deleted);
        Assert.Equal(3_905, (wholeTo - wholeFrom) / TileAccumulator.Width); // the tile rows read
        Assert.Equal(80, count - deleted);                                 // the points read: 54 + 26 at the ends
        Assert.Equal(before.Buckets, after.Buckets);
        Assert.Equal(count, after.TotalPoints);
        Assert.Equal(1000, after.Buckets.Count);
        Assert.Equal(first + count - 1, after.Buckets[^1].Last);
    }

    [Theory]
    [InlineData(100_000, 2000, 1562, 64)] // the dashboard opening a 100,000-point series: a tile each, 78 % of 2,000
    [InlineData(45_000, 500, 500, 128)]   // 1.4 tiles a bucket: 1 or 2 each, all 500 buckets used
    [InlineData(150_000, 500, 500, 320)]  // 4.7 tiles a bucket: 4 or 5 each
    [InlineData(30_000, 1000, 1000, 30)]  // under half a tile a bucket: from the points, as many as asked
    public async Task BucketsFromTilesAreEvenAndKeepMoreThanHalfTheResolution(int count, int maxPoints, int buckets, int widest)
    {
        await using IMetricStore store = await OpenStoreAsync();
        for (int offset = 0; offset < count; offset += 50_000)
            await store.AppendPointsAsync(Fixtures.Ramp("run-1", "loss/train", Math.Min(50_000, count - offset), offset));
        SeriesHistory history = (await store.QueryHistoryAsync(new HistoryQuery("run-1", ["loss/train"], null, null, maxPoints)))[0];
        output.WriteLine($"{GetType().Name}: {count} points, max {maxPoints} → {history.Buckets.Count} buckets");
        Assert.Equal(buckets, history.Buckets.Count);
        Assert.Equal(count, history.Buckets.Sum(b => b.Count));
        // Steps per bucket (the last one holds the partial tile at the end): at most one tile apart, and no wider than expected.
        long[] widths = history.Buckets.SkipLast(1).Select(b => b.LastStep - b.FirstStep + 1).ToArray();
        Assert.True(widths.Max() - widths.Min() <= TileWidth, $"bucket widths {widths.Min()}..{widths.Max()}");
        Assert.Equal(widest, widths.Max());
        Assert.All(history.Buckets, b => Assert.Equal(b.LastStep, b.Last)); // a ramp: the value is the step
    }

    private const long TileWidth = 64;

    [Theory]
    [InlineData(0, 20_000, null, null, 10)]
    [InlineData(-5_000, 30_000, -3_333, 21_111, 7)]
    [InlineData(3, 9_000, 70, 8_999, 1)]
    [InlineData(0, 50_000, null, null, 1000)]
    [InlineData(0, 3_000, null, null, 20)]
    [InlineData(0, 50_000, null, null, 1500)] // fewer whole tiles than buckets: one tile each
    public async Task TileBucketsAgreeWithTheRawPoints(int first, int count, int? from, int? to, int maxPoints)
    {
        // Unordered, duplicated steps and some NaNs, inserted in several batches: the tiles must still agree.
        var random = new Random(first + count);
        var points = new List<MetricPoint>();
        for (int i = 0; i < count; i++)
        {
            long step = first + random.Next(count);
            double value = random.Next(100) == 0 ? double.NaN : Math.Round(random.NextDouble() * 100, 3);
            points.Add(Fixtures.Point("s", step, value));
        }
        await using IMetricStore store = await OpenStoreAsync();
        foreach (MetricPoint[] chunk in points.Chunk(3_000)) await store.AppendPointsAsync(chunk);

        SeriesHistory history = (await store.QueryHistoryAsync(new HistoryQuery("run-1", ["s"], from, to, maxPoints)))[0];
        var inRange = points.Where(p => p.Step >= (from ?? long.MinValue) && p.Step <= (to ?? long.MaxValue)).ToList();
        Assert.InRange(history.Buckets.Count, 1, maxPoints);
        Assert.Equal(inRange.Count, history.TotalPoints);
        long previousLast = long.MinValue;
        foreach (HistoryBucket bucket in history.Buckets)
        {
            Assert.True(bucket.FirstStep > previousLast);
            previousLast = bucket.LastStep;
            // Rows in the bucket, in insertion order (the store's "last" is the latest inserted at the last step).
            var rows = inRange.Where(p => p.Step >= bucket.FirstStep && p.Step <= bucket.LastStep).ToList();
            Assert.Equal(rows.Count, bucket.Count);
            var numbers = rows.Where(p => !double.IsNaN(p.Value)).Select(p => p.Value).ToList();
            Assert.Equal(numbers.Min(), bucket.Min);
            Assert.Equal(numbers.Max(), bucket.Max);
            MetricPoint last = rows.Where(p => p.Step == bucket.LastStep).Last();
            Assert.Equal(double.IsNaN(last.Value) ? null : last.Value, bucket.Last);
        }
    }
}

public sealed class SqliteDownsamplingTests(ITestOutputHelper output) : DownsamplingContractTests(output)
{
    protected override Task<ITestStoreHost> CreateHostAsync() => Task.FromResult<ITestStoreHost>(new SqliteStoreHost());
}

public sealed class PostgresDownsamplingTests(ITestOutputHelper output) : DownsamplingContractTests(output)
{
    protected override async Task<ITestStoreHost> CreateHostAsync() => await PostgresStoreHost.CreateAsync();
}
