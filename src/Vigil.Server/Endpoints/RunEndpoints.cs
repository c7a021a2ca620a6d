using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary><c>GET /api/runs</c>, <c>/api/runs/{id}</c>, <c>/epochs</c>, <c>/confusion</c>, <c>/export.csv</c>.</summary>
public static class RunEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder runs = routes.MapGroup("/api/runs").WithTags("runs");
        runs.MapGet("/", async (MonitoringSession session, CancellationToken ct) => Results.Json(new { runs = await session.Store.ListRunsAsync(ct) }))
            .WithName("ListRuns").WithSummary("Every run, newest first.");
        runs.MapGet("/{id}", async (string id, MonitoringSession session, CancellationToken ct) =>
                await session.Store.GetRunAsync(id, ct) is { } run
                    ? Results.Json(new RunDetail(run, await session.Store.ListSeriesAsync(id, ct)))
                    : NotFound(id))
            .WithName("GetRun").WithSummary("A run's config, hyper-parameters, state, final metrics and series names.");
        runs.MapGet("/{id}/epochs", async (string id, MonitoringSession session, CancellationToken ct) =>
            {
                if (await session.Store.GetRunAsync(id, ct) is null) return NotFound(id);
                IReadOnlyList<EpochRecord> epochs = await session.Store.ListEpochsAsync(id, ct);
                return Results.Json(new { run_id = id, epochs = epochs.Select(e => e.Data) });
            })
            .WithName("GetEpochs").WithSummary("The run's epoch timeline: every epoch's full metrics, in order.");
        runs.MapGet("/{id}/confusion", async (string id, HttpRequest request, MonitoringSession session, CancellationToken ct) =>
            {
                if (!QueryValues.TryLong(request, "epoch", int.MinValue, int.MaxValue, out long? epoch, out IResult? error)) return error!;
                IReadOnlyList<EpochRecord> epochs = await session.Store.ListEpochsAsync(id, ct);
                EpochRecord? chosen = epoch is { } e ? epochs.FirstOrDefault(r => r.Epoch == e) : epochs.LastOrDefault();
                if (chosen is null)
                    return ApiError.Result(404, epoch is null ? $"run '{id}' has no epochs yet" : $"run '{id}' has no epoch {epoch}");
                return Results.Json(new
                {
                    run_id = id,
                    epoch = chosen.Epoch,
                    classes = Property(chosen.Data, "classes"),
                    confusion_matrix = Property(chosen.Data, "confusion_matrix"),
                });
            })
            .WithName("GetConfusion").WithSummary("The confusion matrix (rows = true class, columns = predicted) of an epoch; the latest by default.");
        runs.MapGet("/{id}/export.csv", async (string id, HttpContext context, MonitoringSession session, CancellationToken ct) =>
            {
                if (await session.Store.GetRunAsync(id, ct) is null) return NotFound(id);
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = $"attachment; filename=\"{Sanitise(id)}.csv\"";
                await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1 << 16);
                await writer.WriteAsync("run_id,series,step,value,wall_time\n");
                await foreach (MetricPoint p in session.Store.ReadPointsAsync(id, ct))
                    await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{Csv(id)},{Csv(p.Series)},{p.Step},{p.Value.ToString("R", CultureInfo.InvariantCulture)},{MetricsUpdateBuilder.FormatTimestamp(p.WallTime)}\n"));
                return Results.Empty;
            })
            .WithName("ExportRun").WithSummary("Every stored point of every series of the run, as one CSV.");
        return routes;
    }

    private static IResult NotFound(string id) => ApiError.Result(404, $"no run '{id}'");

    private static JsonElement? Property(JsonElement data, string name) => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out JsonElement value) ? value : null;

    private static string Csv(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Sanitise(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}

/// <summary>The answer of <c>GET /api/runs/{id}</c>: the run plus the names of its series.</summary>
/// <param name="Run">The run.</param>
/// <param name="Series">Its series, sorted.</param>
public sealed record RunDetail(RunInfo Run, IReadOnlyList<string> Series);
