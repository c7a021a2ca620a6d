using Vigil.Monitoring;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Control;
using Vigil.Server.Http;

namespace Vigil.Server.Endpoints;

/// <summary>
/// <c>POST /api/training/start|pause|resume|stop</c>, through <see cref="ITrainingController"/>. An invalid transition
/// (pause while paused, resume while running, anything after the end) answers 409 with the current state.
/// </summary>
public static class ControlEndpoints
{
    /// <summary>Maps the routes (the request guards ask for the token when the server requires one).</summary>
    /// <param name="routes">The application.</param>
    /// <param name="datasets">The datasets <c>GET /api/training</c> offers; none when null.</param>
    public static IEndpointRouteBuilder MapControlEndpoints(this IEndpointRouteBuilder routes, Func<IReadOnlyList<DatasetChoice>>? datasets = null)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/training").WithTags("control");
        group.MapGet("/", (ITrainingController controller) => Results.Json(new TrainingInfo(controller.CanStart, controller.State, controller.CanStart ? datasets?.Invoke() ?? [] : []), MonitoringJson.Options))
            .WithName("TrainingInfo").WithSummary("Whether this server can start runs, the controller's state, and the organized datasets it offers to train on.");
        group.MapPost("/start", async (HttpRequest request, ITrainingController controller, ILoggerFactory loggers, CancellationToken ct) =>
        {
            (TrainingStartRequest? body, IResult? error) = await JsonBody.ReadAsync<TrainingStartRequest>(request, MonitoringJson.Options, ct);
            if (error is not null) return error;
            if (body!.Unknown is { Count: > 0 } unknown)
                return ApiError.Result(StatusCodes.Status400BadRequest,
                    $"unknown field{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Keys.Select(k => $"\"{k}\""))}; the start route takes {string.Join(", ", TrainingStartRequest.FieldNames)}",
                    controller.State);
            ControlResult result;
            try { result = await controller.StartAsync(body!, ct); }
            catch (InvalidTrainingRequestException e) { return ApiError.Result(StatusCodes.Status400BadRequest, e.Message, controller.State); }
            loggers.CreateLogger("Vigil.Server.Control").LogInformation("start: {Accepted} ({Message})", result.Accepted, result.Message);
            return Answer(result);
        }).WithName("StartTraining").WithSummary("Launches a training run (dataset, phase, epochs… as vigil train's options); 400 when the request cannot run, 409 while a run is active.").Accepts<TrainingStartRequest>("application/json");
        group.MapPost("/pause", (ITrainingController c, ILoggerFactory l) => Logged(c.Pause("paused from the API"), "pause", l))
            .WithName("PauseTraining").WithSummary("Holds the trainer at the next batch boundary after a checkpoint; 409 unless running.");
        group.MapPost("/resume", (ITrainingController c, ILoggerFactory l) => Logged(c.Resume("resumed from the API"), "resume", l))
            .WithName("ResumeTraining").WithSummary("Lets a paused trainer go on; 409 unless paused.");
        group.MapPost("/stop", (ITrainingController c, ILoggerFactory l) => Logged(c.Stop("stopped from the API"), "stop", l))
            .WithName("StopTraining").WithSummary("Saves a checkpoint and ends the run gracefully; 409 unless running or paused.");
        return routes;
    }

    private static IResult Logged(ControlResult result, string verb, ILoggerFactory loggers)
    {
        loggers.CreateLogger("Vigil.Server.Control").LogInformation("{Verb}: {Accepted} (state {State})", verb, result.Accepted, result.State);
        return Answer(result);
    }

    private static IResult Answer(ControlResult result) => result.Accepted
        ? Results.Json(new { accepted = true, state = result.State, run_id = result.RunId, message = result.Message })
        : ApiError.Result(StatusCodes.Status409Conflict, result.Message ?? $"not possible while {result.State}", result.State);
}

/// <summary>The answer of <c>GET /api/training</c>.</summary>
/// <param name="CanStart">Whether <c>POST /api/training/start</c> can launch runs on this server.</param>
/// <param name="State">The controller's state.</param>
/// <param name="Datasets">Organized datasets offered to train on (the Start form's choices); a path typed by hand works too.</param>
public sealed record TrainingInfo(bool CanStart, string State, IReadOnlyList<DatasetChoice> Datasets);
