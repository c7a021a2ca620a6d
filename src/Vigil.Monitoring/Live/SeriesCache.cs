using System.Collections.Concurrent;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Live;

/// <summary>
/// The last <c>MONITORING_CACHE_SIZE</c> points of every series in memory, so a dashboard that connects mid-run draws
/// its charts at once; older history comes from the store, downsampled. Thread-safe.
/// </summary>
public sealed class SeriesCache
{
    private readonly ConcurrentDictionary<(string Run, string Series), RollingBuffer<MetricPoint>> _series = new();

    /// <summary>Creates a cache of <paramref name="pointsPerSeries"/> points per series.</summary>
    public SeriesCache(int pointsPerSeries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerSeries, 1);
        PointsPerSeries = pointsPerSeries;
    }

    /// <summary>Points kept per series.</summary>
    public int PointsPerSeries { get; }

    /// <summary>Adds a point to its series' buffer.</summary>
    public void Add(MetricPoint point) =>
        _series.GetOrAdd((point.RunId, point.Series), _ => new RollingBuffer<MetricPoint>(PointsPerSeries)).Add(point);

    /// <summary>Adds each point.</summary>
    public void AddRange(IEnumerable<MetricPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        foreach (MetricPoint point in points) Add(point);
    }

    /// <summary>The cached points of one series, oldest first (empty when unknown).</summary>
    public IReadOnlyList<MetricPoint> Get(string runId, string series) =>
        _series.TryGetValue((runId, series), out RollingBuffer<MetricPoint>? buffer) ? buffer.Snapshot() : [];

    /// <summary>Whether the cache has seen the series (cheap: no copy).</summary>
    public bool Contains(string runId, string series) => _series.ContainsKey((runId, series));

    /// <summary>The names of a run's cached series, sorted.</summary>
    public IReadOnlyList<string> SeriesOf(string runId) =>
        _series.Keys.Where(k => k.Run == runId).Select(k => k.Series).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The latest value of every series of a run (series → point).</summary>
    public IReadOnlyDictionary<string, MetricPoint> Latest(string runId)
    {
        var latest = new SortedDictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var pair in _series)
            if (pair.Key.Run == runId && pair.Value.TryGetLast(out MetricPoint point)) latest[pair.Key.Series] = point;
        return latest;
    }
}
