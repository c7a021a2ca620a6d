using Vigil.Monitoring.Live;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/alerts</c>.</summary>
public static class AlertEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts", async (string? run, int? limit, MonitoringSession session, CancellationToken ct) =>
        {
            int take = limit ?? 100;
            if (take is < 1 or > 10_000) return ApiError.Result(400, $"limit={take} is out of range; use 1..10000");
            return Results.Json(new
            {
                thresholds = session.Conditions.Thresholds,
                warning_margin = session.Conditions.WarningMargin,
                current = session.Conditions.Current,
                alerts = await session.Store.ListAlertsAsync(run, take, ct),
            });
        }).WithName("ListAlerts").WithTags("alerts").WithSummary("Critical-condition alerts, newest first, with the thresholds and current statuses.");
        return routes;
    }
}
