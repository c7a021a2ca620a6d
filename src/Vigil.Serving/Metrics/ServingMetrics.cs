using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Vigil.Serving.Batching;

namespace Vigil.Serving.Metrics;

/// <summary>A counter that only goes up.</summary>
public sealed class Counter
{
    private long _value;

    /// <summary>The count.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Adds one.</summary>
    public void Increment() => Interlocked.Increment(ref _value);
}

/// <summary>One model version's figures: requests, failures, queue and compute time, batch sizes.</summary>
public sealed class ModelMetrics
{
    /// <summary>Upper bounds of the batch-size histogram's buckets.</summary>
    public static IReadOnlyList<int> BatchBuckets { get; } = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly Lock _gate = new();
    private readonly long[] _batchCounts = new long[BatchBuckets.Count + 1];
    private long _batches, _batchItems;
    private double _queueSeconds, _computeSeconds;
    private long _queued;

    /// <summary>Inference requests received.</summary>
    public Counter Requests { get; } = new();

    /// <summary>Requests that failed (bad input, full queue, cancelled, model error).</summary>
    public Counter Failures { get; } = new();

    /// <summary>Records a batch the model ran.</summary>
    public void Record(BatchReport report)
    {
        lock (_gate)
        {
            _batches++;
            _batchItems += report.Items;
            int bucket = 0;
            while (bucket < BatchBuckets.Count && report.Items > BatchBuckets[bucket]) bucket++;
            _batchCounts[bucket]++;
            foreach (TimeSpan wait in report.QueueTimes) _queueSeconds += wait.TotalSeconds;
            _queued += report.QueueTimes.Count;
            _computeSeconds += report.Compute.TotalSeconds;
        }
    }

    /// <summary>Batches run.</summary>
    public long Batches
    {
        get { lock (_gate) return _batches; }
    }

    internal MetricsSnapshot Snapshot()
    {
        lock (_gate) return new MetricsSnapshot(Requests.Value, Failures.Value, _queueSeconds, _queued, _computeSeconds, _batches, _batchItems, (long[])_batchCounts.Clone());
    }

}

internal sealed record MetricsSnapshot(long Requests, long Failures, double QueueSeconds, long Queued, double ComputeSeconds, long Batches, long BatchItems, long[] BatchCounts);

/// <summary>The inference service's figures for <c>GET /metrics</c>, per model and version.</summary>
public sealed class ServingMetrics : Server.Hosting.IMetricsSource
{
    private readonly ConcurrentDictionary<(string Model, string Version), ModelMetrics> _models = new();

    /// <summary>The figures of one model version (made on first use).</summary>
    public ModelMetrics For(string model, string version) => _models.GetOrAdd((model, version), _ => new ModelMetrics());

    /// <inheritdoc />
    public void WriteMetrics(StringBuilder text)
    {
        if (_models.IsEmpty) return;
        var rows = _models.OrderBy(p => p.Key.Model, StringComparer.Ordinal).ThenBy(p => p.Key.Version, StringComparer.Ordinal)
            .Select(p => (Labels: $"model=\"{Escape(p.Key.Model)}\",version=\"{Escape(p.Key.Version)}\"", Figures: p.Value.Snapshot())).ToList();
        // Prometheus wants each family in one group: all models' lines of a family together, after its HELP and TYPE.
        void Family(string name, string type, string help, params (string Suffix, Func<MetricsSnapshot, double> Value)[] series)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach ((string suffix, Func<MetricsSnapshot, double> value) in series)
                foreach ((string labels, MetricsSnapshot figures) in rows) Line(text, name + suffix, labels, value(figures));
        }
        Family("vigil_inference_requests_total", "counter", "Inference requests received.", ("", f => f.Requests));
        Family("vigil_inference_failures_total", "counter", "Inference requests that failed (bad input, full queue, cancelled, model error).", ("", f => f.Failures));
        Family("vigil_inference_queue_seconds", "summary", "Time requests waited in the batch queue.", ("_sum", f => f.QueueSeconds), ("_count", f => f.Queued));
        Family("vigil_inference_compute_seconds", "summary", "Time batches took to run.", ("_sum", f => f.ComputeSeconds), ("_count", f => f.Batches));
        text.Append("# HELP vigil_inference_batch_size Images per batch run.\n# TYPE vigil_inference_batch_size histogram\n");
        foreach ((string labels, MetricsSnapshot figures) in rows)
        {
            long cumulative = 0;
            for (int i = 0; i < ModelMetrics.BatchBuckets.Count; i++)
            {
                cumulative += figures.BatchCounts[i];
                Line(text, "vigil_inference_batch_size_bucket", labels + $",le=\"{ModelMetrics.BatchBuckets[i]}\"", cumulative);
            }
            Line(text, "vigil_inference_batch_size_bucket", labels + ",le=\"+Inf\"", cumulative + figures.BatchCounts[^1]);
            Line(text, "vigil_inference_batch_size_sum", labels, figures.BatchItems);
            Line(text, "vigil_inference_batch_size_count", labels, figures.Batches);
        }
    }

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static string Escape(string label) =>
        label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
