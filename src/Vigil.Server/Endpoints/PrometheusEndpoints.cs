using System.Globalization;
using System.Text;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Systems;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /metrics</c>: the server's own figures and the current run's latest values, in Prometheus text format.</summary>
public static class PrometheusEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapPrometheusEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", (IServiceProvider services) =>
                Results.Text(Render(services.GetService<MonitoringSession>(), services.GetServices<Hosting.IMetricsSource>()), "text/plain; version=0.0.4; charset=utf-8"))
            .WithName("Prometheus").WithTags("status").WithSummary("Prometheus exposition text.");
        return routes;
    }

    internal static string Render(MonitoringSession session) => Render(session, []);

    // The monitoring session's figures (when monitoring is on), then each source's (the inference service's models).
    internal static string Render(MonitoringSession? session, IEnumerable<Hosting.IMetricsSource> sources)
    {
        var text = new StringBuilder(2048);
        if (session is not null) RenderSession(session, text);
        foreach (Hosting.IMetricsSource source in sources) source.WriteMetrics(text);
        return text.ToString();
    }

    private static void RenderSession(MonitoringSession session, StringBuilder text)
    {
        void Metric(string name, string type, string help, double? value, string labels = "")
        {
            if (value is not { } v) return;
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
                .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
                .Append(name).Append(labels).Append(' ').Append(Number(v)).Append('\n');
        }
        Metric("vigil_points_ingested_total", "counter", "Points accepted from trainers.", session.IngestedPoints);
        Metric("vigil_points_committed_total", "counter", "Points committed to the store.", session.Writer.CommittedPoints);
        Metric("vigil_store_write_failures_total", "counter", "Store writes that failed.", session.Writer.Failed);
        Metric("vigil_store_dropped_total", "counter", "Background writes dropped because the queue was full.", session.Writer.Dropped);
        Metric("vigil_store_queue_length", "gauge", "Writes waiting in the queue.", session.Writer.Pending);
        Metric("vigil_ws_clients", "gauge", "WebSocket clients connected.", session.Hub.ClientCount);
        Metric("vigil_ws_messages_published_total", "counter", "WebSocket messages published.", session.Hub.Published);
        Metric("vigil_ws_connections_refused_total", "counter", "WebSocket connections refused at WS_MAX_CONNECTIONS.", session.Hub.Refused);

        LiveStatus status = session.Status.Current;
        if (status.RunId is { } run)
        {
            string runLabel = $"run_id=\"{Escape(run)}\"";
            text.Append("# HELP vigil_run_state The current run's state (1 for the state it is in).\n# TYPE vigil_run_state gauge\n");
            foreach (string state in RunStates.All)
                text.Append("vigil_run_state{").Append(runLabel).Append(",state=\"").Append(state).Append("\"} ").Append(state == status.State ? 1 : 0).Append('\n');
            Metric("vigil_run_epoch", "gauge", "The epoch in progress.", status.Epoch, "{" + runLabel + "}");
            Metric("vigil_run_global_step", "gauge", "Optimizer steps done.", status.GlobalStep, "{" + runLabel + "}");
            Metric("vigil_run_eta_seconds", "gauge", "Estimated seconds to the end.", status.EtaSeconds, "{" + runLabel + "}");
            IReadOnlyDictionary<string, MetricPoint> latest = session.Cache.Latest(run);
            if (latest.Count > 0)
            {
                text.Append("# HELP vigil_series_value Latest value of each series of the current run.\n# TYPE vigil_series_value gauge\n");
                foreach ((string series, MetricPoint point) in latest)
                    text.Append("vigil_series_value{").Append(runLabel).Append(",series=\"").Append(Escape(series)).Append("\"} ").Append(Number(point.Value)).Append('\n');
            }
        }

        if (session.Sampler.Latest is { } system)
        {
            Metric("vigil_cpu_percent", "gauge", "Machine CPU busy, percent.", system.CpuPercent);
            Metric("vigil_ram_used_bytes", "gauge", "Machine memory in use.", system.RamUsedBytes);
            Metric("vigil_ram_total_bytes", "gauge", "Machine memory.", system.RamTotalBytes);
            Metric("vigil_process_resident_bytes", "gauge", "This process's resident memory.", system.ProcessBytes);
            Metric("vigil_disk_free_bytes", "gauge", "Free space on the store's disk.", system.DiskFreeBytes);
            GpuSnapshot? gpu = system.Gpu; // absent GPU → no series at all, never a zero
            Metric("vigil_gpu_usage_percent", "gauge", "GPU utilisation.", gpu?.UsagePercent);
            Metric("vigil_gpu_memory_used_bytes", "gauge", "GPU memory in use.", gpu?.MemoryUsedBytes);
            Metric("vigil_gpu_temperature_celsius", "gauge", "GPU temperature.", gpu?.TemperatureCelsius);
        }
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string label) =>
        label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
