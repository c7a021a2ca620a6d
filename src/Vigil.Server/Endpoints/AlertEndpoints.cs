using Vigil.Monitoring.Live;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/alerts</c>.</summary>
public static class AlertEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/alerts", async (HttpRequest request, MonitoringSession session, CancellationToken ct) =>
        {
            string? run = request.Query["run"].FirstOrDefault();
            if (!QueryValues.TryLong(request, "limit", 1, 10_000, out long? limit, out IResult? error)) return error!;
            int take = (int)(limit ?? 100);
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
