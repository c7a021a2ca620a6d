using Vigil.Monitoring.Live;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/system</c>.</summary>
public static class SystemEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/system", (MonitoringSession session) => Results.Json(session.Sampler.Latest ?? session.Sampler.Sample()))
            .WithName("GetSystem").WithTags("system")
            .WithSummary("CPU %, RAM used/total, process memory, disk free, and the GPU (null with gpu_status \"unavailable: …\" when there is none).");
        return routes;
    }
}
