using System.Text.Json;

namespace Vigil.Monitoring.Control;

/// <summary>
/// What the control routes (<c>POST /api/training/start|pause|resume|stop</c>) drive. The server knows nothing about
/// the trainer: an in-process run plugs in through <see cref="InProcessTrainingController"/>; a trainer in another
/// process can implement this over its own channel.
/// </summary>
public interface ITrainingController
{
    /// <summary>The state the controller sees now (one of <see cref="Storage.RunStates.All"/>).</summary>
    string State { get; }

    /// <summary>Whether <see cref="StartAsync"/> can launch runs here at all (the dashboard offers Start only then).</summary>
    bool CanStart => true;

    /// <summary>Launches a run. Refused (not accepted, state unchanged) while one is active.</summary>
    Task<ControlResult> StartAsync(TrainingStartRequest request, CancellationToken cancellationToken = default);

    /// <summary>Holds the trainer at its next batch boundary (after it saves a checkpoint). Refused unless running.</summary>
    ControlResult Pause(string? reason = null);

    /// <summary>Lets a paused trainer go on. Refused unless paused.</summary>
    ControlResult Resume(string? reason = null);

    /// <summary>Ends the run gracefully (checkpoint, then exit). Refused unless running or paused.</summary>
    ControlResult Stop(string? reason = null);
}

/// <summary>The answer to a control request.</summary>
/// <param name="Accepted">Whether the transition happened (false → the API answers 409).</param>
/// <param name="State">The state after the request (the current state when refused).</param>
/// <param name="Message">Why it was refused, or what happened.</param>
/// <param name="RunId">The run concerned, when there is one.</param>
public sealed record ControlResult(bool Accepted, string State, string? Message = null, string? RunId = null);

/// <summary>The body of <c>POST /api/training/start</c>: the options of <c>vigil train</c>.</summary>
public sealed record TrainingStartRequest
{
    /// <summary>The dataset folder.</summary>
    public string? Dataset { get; init; }

    /// <summary><c>supervised</c>, <c>unsupervised</c>, <c>hybrid</c> or <c>all</c>.</summary>
    public string? Phase { get; init; }

    /// <summary>Epochs to train.</summary>
    public int? Epochs { get; init; }

    /// <summary>Images per batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Input image side, pixels.</summary>
    public int? ImageSize { get; init; }

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string? Device { get; init; }

    /// <summary>Where the run folder goes.</summary>
    public string? Output { get; init; }

    /// <summary>Resume from the last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Anything else, passed through to the launcher.</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Starts a training run for <see cref="InProcessTrainingController"/>; returns the new run's id.</summary>
/// <param name="request">What to train.</param>
/// <param name="cancellationToken">Cancels the launch (not the run).</param>
public delegate Task<string> TrainingLauncher(TrainingStartRequest request, CancellationToken cancellationToken);

/// <summary>
/// Thrown by a <see cref="TrainingLauncher"/> when the start request cannot be run as asked (unknown dataset, bad
/// option…); <c>POST /api/training/start</c> answers 400 with the message.
/// </summary>
public sealed class InvalidTrainingRequestException(string message) : Exception(message);
