using System.Collections.Concurrent;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Live;

/// <summary>
/// The last <c>MONITORING_CACHE_SIZE</c> points of every series in memory, so a dashboard that connects mid-run draws
/// its charts at once; older history comes from the store, downsampled. Only the <see cref="MaxRuns"/> runs written
/// to most recently are kept, so a server that lives through many runs holds a bounded amount. Thread-safe.
/// </summary>
public sealed class SeriesCache
{
    private readonly ConcurrentDictionary<(string Run, string Series), RollingBuffer<MetricPoint>> _series = new();
    private readonly ConcurrentDictionary<string, long> _lastWrite = new(StringComparer.Ordinal);
    private readonly object _evictionGate = new();
    private long _clock;

    /// <summary>Creates a cache of <paramref name="pointsPerSeries"/> points per series for up to <paramref name="maxRuns"/> runs.</summary>
    public SeriesCache(int pointsPerSeries, int maxRuns = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerSeries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRuns, 1);
        PointsPerSeries = pointsPerSeries;
        MaxRuns = maxRuns;
    }

    /// <summary>Points kept per series.</summary>
    public int PointsPerSeries { get; }

    /// <summary>Runs kept; writing to one more evicts the run written to least recently (its history stays in the store).</summary>
    public int MaxRuns { get; }

    /// <summary>The runs cached now.</summary>
    public IReadOnlyCollection<string> Runs => _lastWrite.Keys.ToArray();

    /// <summary>Adds a point to its series' buffer.</summary>
    public void Add(MetricPoint point)
    {
        long now = Interlocked.Increment(ref _clock);
        if (_lastWrite.ContainsKey(point.RunId)) _lastWrite[point.RunId] = now;
        else Admit(point.RunId, now);
        _series.GetOrAdd((point.RunId, point.Series), _ => new RollingBuffer<MetricPoint>(PointsPerSeries)).Add(point);
    }

    // A new run: rare, so a lock and a scan over the keys are fine here.
    private void Admit(string run, long now)
    {
        lock (_evictionGate)
        {
            _lastWrite[run] = now;
            while (_lastWrite.Count > MaxRuns)
            {
                string oldest = _lastWrite.MinBy(pair => pair.Value).Key;
                _lastWrite.TryRemove(oldest, out _);
                foreach (var key in _series.Keys.Where(k => k.Run == oldest)) _series.TryRemove(key, out _);
            }
        }
    }

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
