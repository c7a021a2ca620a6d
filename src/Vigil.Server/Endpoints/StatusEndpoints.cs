using Vigil.Core;
using Vigil.Monitoring.Live;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/status</c>, <c>GET /api/metrics/current</c>, <c>GET /healthz</c>.</summary>
public static class StatusEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/status", (MonitoringSession session) => Results.Json(session.Status.Current))
            .WithName("GetStatus").WithTags("status").WithSummary("Run id, state, epoch, batch, total_batches, elapsed and ETA of the current run.");
        routes.MapGet("/api/metrics/current", (MonitoringSession session) =>
                session.Current is { } update ? Results.Json(update) : Results.NoContent())
            .WithName("GetCurrentMetrics").WithTags("metrics").WithSummary("The latest metrics_update payload (204 before the first).");
        routes.MapGet("/healthz", (MonitoringSession session) => Results.Json(new
        {
            status = "ok",
            version = VigilInfo.Version,
            websocket_clients = session.Hub.ClientCount,
            store_pending = session.Writer.Pending,
            store_failures = session.Writer.Failed,
        })).WithName("Health").WithTags("status").WithSummary("Liveness: 200 while the server runs.");
        return routes;
    }
}
