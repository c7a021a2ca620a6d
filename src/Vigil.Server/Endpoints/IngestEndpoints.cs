using System.Text.Json;
using Vigil.Monitoring;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Server.Http;
using Vigil.Server.Logging;

namespace Vigil.Server.Endpoints;

/// <summary>
/// Ingestion for trainers written elsewhere (a PyTorch Lightning callback, say): <c>POST /api/runs</c> creates a run,
/// <c>POST /api/runs/{id}/log</c> sends up to 1,000 points and/or a <c>metrics_update</c>, an epoch record and a state.
/// A 200 answer means every point is committed to the store (it survives the server being killed).
/// </summary>
public static class IngestEndpoints
{
    /// <summary>Maps the routes (the request guards ask for the token when the server requires one).</summary>
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/runs").WithTags("ingestion");
        group.MapPost("/", CreateAsync).WithName("CreateRun").WithSummary("Creates (or updates) a run for an external trainer; 201 when new, 200 when it existed.")
            .Accepts<CreateRunRequest>("application/json");
        group.MapPost("/{id}/log", LogAsync).WithName("LogToRun")
            .WithSummary("Stores up to 1,000 points and/or publishes a metrics_update, an epoch record and a state; 200 = committed.")
            .Accepts<LogRequest>("application/json");
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, MonitoringSession session, ILoggerFactory loggers, CancellationToken ct)
    {
        (CreateRunRequest? body, IResult? error) = await JsonBody.ReadAsync<CreateRunRequest>(request, MonitoringJson.Options, ct);
        if (error is not null) return error;
        string id = string.IsNullOrWhiteSpace(body!.Id)
            ? $"ext-{session.Time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}"
            : body.Id.Trim();
        // The id is part of URLs (/api/runs/{id}/log) and of file names (the CSV export): no separators, no dot segments.
        if (id.Length > 200 || id.Any(char.IsControl) || id.IndexOfAny(['/', '\\']) >= 0 || id is "." or "..")
            return ApiError.Result(400, $"id \"{(id.Length > 40 ? id[..40] + "..." : id)}\" cannot name a run: use at most 200 characters, without / or \\ or control characters, and not . or ..");
        if (body.Config is { ValueKind: not JsonValueKind.Object } || body.Hyperparameters is { ValueKind: not JsonValueKind.Object })
            return ApiError.Result(400, "config and hyperparameters must be JSON objects when given");
        if (body.CriticalThresholds?.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.Key) || !double.IsFinite(t.Value) || t.Value is < 0 or > 1) is { Key: not null } bad)
            return ApiError.Result(400, $"critical_thresholds[\"{bad.Key}\"] is {bad.Value}; a threshold is a minimum sensitivity between 0 and 1, for a named class");
        RunInfo? existing = await session.Store.GetRunAsync(id, ct);
        DateTimeOffset now = session.Time.GetUtcNow();
        var run = new RunInfo
        {
            Id = id, Name = body.Name ?? existing?.Name ?? id, Source = "external", State = existing?.State ?? RunStates.Running,
            CreatedAt = existing?.CreatedAt ?? now, UpdatedAt = now, Config = body.Config, Hyperparameters = body.Hyperparameters,
        };
        await session.Writer.RunAsync((store, token) => store.UpsertRunAsync(run, token), ct);
        // Declared before the status goes out, so it says whether the dashboard's controls reach the run.
        bool declared = body.AcceptsControl == true && session.Commands.Accept(id);
        bool changed = existing is null && session.Status.SetExternalState(id, run.State, "created through the API", now);
        if (body.Config is { ValueKind: JsonValueKind.Object } config)
            changed |= session.Status.DescribeExternal(id,
                config.TryGetProperty("epochs", out var e) && e.TryGetInt32(out int epochs) && epochs > 0 ? epochs : null,
                config.TryGetProperty("phase", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
        if (changed || (declared && session.Status.Current.RunId == id)) session.PublishStatus();
        if (body.CriticalThresholds is { Count: > 0 } targets) session.SetExternalTargets(id, targets);
        loggers.CreateLogger(RotatingFileLoggerProvider.MetricsCategory).LogInformation("run {Run} {Action} by an external trainer", id, existing is null ? "created" : "updated");
        RunInfo stored = (await session.Store.GetRunAsync(id, ct))!;
        return existing is null ? Results.Json(stored, statusCode: StatusCodes.Status201Created) : Results.Json(stored);
    }

    private static async Task<IResult> LogAsync(string id, HttpRequest request, MonitoringSession session, ILoggerFactory loggers, CancellationToken ct)
    {
        (LogRequest? body, IResult? error) = await JsonBody.ReadAsync<LogRequest>(request, MonitoringJson.Options, ct);
        if (error is not null) return error;
        IReadOnlyList<LogPoint> points = body!.Points ?? [];
        if (points.Count > MonitoringOptions.MaxPointsPerLog)
            return ApiError.Result(StatusCodes.Status413PayloadTooLarge,
                $"{points.Count} points in one request; the limit is {MonitoringOptions.MaxPointsPerLog} (send several requests)");
        if (body.State is { } state && !RunStates.IsKnown(state))
            return ApiError.Result(400, $"state '{state}' is not one of {string.Join(", ", RunStates.All)}");
        if (body.Epoch is { } epochData && (epochData.ValueKind != JsonValueKind.Object || !epochData.TryGetProperty("epoch", out JsonElement epochNumber)
                                            || epochNumber.ValueKind != JsonValueKind.Number || !epochNumber.TryGetInt32(out _)))
            return ApiError.Result(400, "epoch must be an object with an integer \"epoch\" field");
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i] is null) return ApiError.Result(400, $"points[{i}] is null; each point is an object {{\"series\", \"step\", \"value\"}}");
            if (string.IsNullOrWhiteSpace(points[i].Series) || points[i].Series.Length > 200 || points[i].Series.Any(char.IsControl))
                return ApiError.Result(400, $"points[{i}].series must be a non-empty name of at most 200 characters, without control characters");
            if (points[i].Step < 0) return ApiError.Result(400, $"points[{i}].step is {points[i].Step}; a step is 0 or more");
        }
        if (await session.Store.GetRunAsync(id, ct) is null) return ApiError.Result(404, $"no run '{id}'; create it first with POST /api/runs");

        DateTimeOffset now = session.Time.GetUtcNow();
        MetricPoint[] stored = points.Select(p => new MetricPoint(id, p.Series, p.Step, p.Value, p.Time ?? now)).ToArray();
        if (stored.Length > 0)
        {
            // metrics.log: each series once when it first appears (per request only at debug level, it is frequent).
            string[] newSeries = stored.Select(p => p.Series).Distinct().Where(series => !session.Cache.Contains(id, series)).ToArray();
            await session.IngestAsync(stored, ct);
            ILogger log = loggers.CreateLogger(RotatingFileLoggerProvider.MetricsCategory);
            foreach (string series in newSeries) log.LogInformation("run {Run}: new series {Series}", id, series);
            if (log.IsEnabled(LogLevel.Debug))
                log.LogDebug("run {Run}: {Count} points ({Series})", id, stored.Length, string.Join(", ", stored.Select(p => p.Series).Distinct()));
        }
        if (body.Epoch is { } epoch)
        {
            int number = epoch.GetProperty("epoch").GetInt32();
            await session.Writer.RunAsync((store, token) => store.SaveEpochAsync(new EpochRecord(id, number, now, epoch), token), ct);
            // Pushed with the run it belongs to (the record names it as the URL does), as the in-process runs' are:
            // a client shows epochs of the run it views only.
            var pushed = System.Text.Json.Nodes.JsonObject.Create(epoch)!;
            pushed["run_id"] = id;
            session.Hub.Publish("epoch_end", pushed);
        }
        if (body.MetricsUpdate is { } update) session.ApplyExternalUpdate(id, update);
        if (body.State is { } newState)
        {
            await session.Writer.RunAsync((store, token) => store.SetRunStateAsync(id, newState, now, token), ct);
            if (session.Status.SetExternalState(id, newState, "reported by the trainer", now)) session.PublishStatus();
        }
        return Results.Json(new LogResponse(id, stored.Length, session.Hub.LastSequence, session.Commands.Pending(id)));
    }
}

/// <summary>The body of <c>POST /api/runs</c>.</summary>
public sealed record CreateRunRequest
{
    /// <summary>The run id; generated when absent. Posting an existing id updates that run (a resumed job).</summary>
    public string? Id { get; init; }

    /// <summary>A name for people.</summary>
    public string? Name { get; init; }

    /// <summary>Configuration (JSON object).</summary>
    public JsonElement? Config { get; init; }

    /// <summary>Hyper-parameters (JSON object).</summary>
    public JsonElement? Hyperparameters { get; init; }

    /// <summary>
    /// Whether the trainer acts on pause/resume/stop: the control routes then reach it (the command comes in each
    /// <c>/log</c> answer and through <c>GET /api/runs/{id}/command</c>).
    /// </summary>
    public bool? AcceptsControl { get; init; }

    /// <summary>Class → minimum sensitivity: the run's critical conditions, checked (with alerts) as the configured ones are.</summary>
    public Dictionary<string, double>? CriticalThresholds { get; init; }
}

/// <summary>The body of <c>POST /api/runs/{id}/log</c>; every part is optional.</summary>
public sealed record LogRequest
{
    /// <summary>At most 1,000 points.</summary>
    public IReadOnlyList<LogPoint>? Points { get; init; }

    /// <summary>A <c>metrics_update</c> object (the WebSocket contract's shape) to publish as the current one.</summary>
    public MetricsUpdate? MetricsUpdate { get; init; }

    /// <summary>An epoch record (object with an integer <c>epoch</c>; <c>classes</c> and <c>confusion_matrix</c> feed the confusion route).</summary>
    public JsonElement? Epoch { get; init; }

    /// <summary>A new run state, e.g. <c>completed</c>.</summary>
    public string? State { get; init; }
}

/// <summary>One point in a <see cref="LogRequest"/>.</summary>
public sealed record LogPoint
{
    /// <summary>The series, e.g. <c>loss/train</c>.</summary>
    public required string Series { get; init; }

    /// <summary>The x position (global step).</summary>
    public required long Step { get; init; }

    /// <summary>The value ("NaN", "Infinity" accepted as strings).</summary>
    public required double Value { get; init; }

    /// <summary>When it was measured; the server's time when absent.</summary>
    public DateTimeOffset? Time { get; init; }
}

/// <summary>The answer of <c>POST /api/runs/{id}/log</c>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Accepted">Points committed.</param>
/// <param name="Seq">The WebSocket sequence number after this request.</param>
/// <param name="Command">The run's pending pause/resume/stop command (acknowledge it once done), or null.</param>
public sealed record LogResponse(string RunId, int Accepted, long Seq, Vigil.Monitoring.Control.RunCommand? Command = null);
