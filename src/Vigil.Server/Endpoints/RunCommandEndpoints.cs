using Vigil.Monitoring;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Live;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary>
/// How an external trainer that accepts control receives pause/resume/stop: <c>GET /api/runs/{id}/command</c> (a long
/// poll) and <c>POST /api/runs/{id}/command/ack</c> once it has acted. The requests come from
/// <c>POST /api/training/pause|resume|stop</c> (<see cref="LiveRunController"/>); the logic is in
/// <see cref="ExternalRunCommands"/>.
/// </summary>
public static class RunCommandEndpoints
{
    /// <summary>The longest a poll waits, seconds.</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>Maps the routes (the request guards ask for the token when the server requires one).</summary>
    public static IEndpointRouteBuilder MapRunCommandEndpoints(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/runs/{id}/command").WithTags("ingestion");
        group.MapGet("/", PollAsync).WithName("PollRunCommand")
            .WithSummary("The pending pause/resume/stop command newer than ?after=; with ?wait=S (at most 60) waits up to S seconds for one. {\"command\": null} when none came.");
        group.MapPost("/ack", AcknowledgeAsync).WithName("AcknowledgeRunCommand")
            .WithSummary("The trainer acted on the command {\"id\"}: the run becomes paused, running or stopping; 409 when that command is not the pending one.")
            .Accepts<CommandAck>("application/json");
        return routes;
    }

    private static async Task<IResult> PollAsync(string id, HttpRequest request, MonitoringSession session, CancellationToken ct)
    {
        if (!QueryValues.TryLong(request, "after", 0, long.MaxValue, out long? after, out IResult? error)) return error!;
        if (!QueryValues.TryLong(request, "wait", 0, MaxWaitSeconds, out long? wait, out error)) return error!;
        if (await session.Store.GetRunAsync(id, ct) is null) return ApiError.Result(404, $"no run '{id}'; create it first with POST /api/runs");
        // A trainer that polls acts on commands (also after this server restarted): the dashboard learns it too.
        if (session.Commands.Accept(id) && session.Status.Current.RunId == id) session.PublishStatus();
        RunCommand? command = await session.Commands.WaitAsync(id, after ?? 0, TimeSpan.FromSeconds(wait ?? 0), ct);
        return Results.Json(new CommandAnswer(id, command));
    }

    private static async Task<IResult> AcknowledgeAsync(string id, HttpRequest request, MonitoringSession session, CancellationToken ct)
    {
        (CommandAck? body, IResult? error) = await JsonBody.ReadAsync<CommandAck>(request, MonitoringJson.Options, ct);
        if (error is not null) return error;
        if (await session.Store.GetRunAsync(id, ct) is null) return ApiError.Result(404, $"no run '{id}'; create it first with POST /api/runs");
        if (session.Commands.Acknowledge(id, body!.Id) is not { } command)
        {
            string pending = session.Commands.Pending(id) is { } p ? $"the pending one is {p.Id} ({p.Action})" : "none is pending";
            return ApiError.Result(409, $"command {body.Id} is not pending for run '{id}' ({pending})");
        }
        await session.ApplyAcknowledgedAsync(id, command, ct);
        return Results.Json(new CommandAnswer(id, command));
    }
}

/// <summary>The body of <c>POST /api/runs/{id}/command/ack</c>.</summary>
public sealed record CommandAck
{
    /// <summary>The command acted on.</summary>
    public required long Id { get; init; }
}

/// <summary>The answer of the command routes.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Command">The pending command (poll) or the one acknowledged (ack); null when none.</param>
public sealed record CommandAnswer(string RunId, RunCommand? Command);
