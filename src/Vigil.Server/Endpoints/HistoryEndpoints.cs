using System.Globalization;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/metrics/history</c>: stored series, downsampled on the server.</summary>
public static class HistoryEndpoints
{
    /// <summary>Largest <c>max_points</c> accepted.</summary>
    public const int MaxPointsLimit = 100_000;

    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/metrics/history", async (HttpRequest request, MonitoringSession session, CancellationToken cancellationToken) =>
        {
            var query = request.Query;
            string? run = query["run"].FirstOrDefault() ?? session.Status.Current.RunId;
            if (string.IsNullOrWhiteSpace(run)) return ApiError.Result(400, "run is required (no run is active to default to)");
            string[] series = (query["series"].FirstOrDefault() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!QueryValues.TryLong(request, "from", long.MinValue, long.MaxValue, out long? from, out IResult? error)
                || !QueryValues.TryLong(request, "to", long.MinValue, long.MaxValue, out long? to, out error)
                || !QueryValues.TryLong(request, "max_points", 1, MaxPointsLimit, out long? maxPoints, out error)) return error!;
            maxPoints ??= 1000;
            if (from > to) return ApiError.Result(400, $"from={from} is after to={to}");
            IReadOnlyList<SeriesHistory> history = await session.Store.QueryHistoryAsync(new HistoryQuery(run, series, from, to, (int)maxPoints), cancellationToken);
            return Results.Json(new HistoryResponse(run, (int)maxPoints, history));
        }).WithName("GetHistory").WithTags("metrics")
          .WithSummary("Stored series of a run, at most max_points buckets per series, each with min, max and last.");
        return routes;
    }
}

/// <summary>The answer of <c>GET /api/metrics/history</c>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="MaxPoints">The bucket limit applied per series.</param>
/// <param name="Series">One entry per series, sorted by name.</param>
public sealed record HistoryResponse(string RunId, int MaxPoints, IReadOnlyList<SeriesHistory> Series);
