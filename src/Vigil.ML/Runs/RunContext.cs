using Vigil.Core.Runs;

namespace Vigil.ML.Runs;

/// <summary>What every phase of a run shares: the request, event publishing, the control, and where to log.</summary>
internal sealed class RunContext
{
    public RunContext(TrainRequest request, RunEventPublisher events, TrainingControl control, Action<string> log, CancellationToken cancellation)
    {
        Request = request; Events = events; Control = control; Log = log; Cancellation = cancellation;
    }

    /// <summary>The request, with what the run decided for it once it knows its data (<see cref="TrainRequest.SemiSupervisedAuto"/>).</summary>
    public TrainRequest Request { get; set; }
    public RunEventPublisher Events { get; }
    public TrainingControl Control { get; }
    public Action<string> Log { get; }
    public CancellationToken Cancellation { get; }

    /// <summary>Per-phase folder under the run folder (checkpoints live there).</summary>
    public string PhaseFolder(TrainingPhase phase)
    {
        var folder = Path.Combine(Request.Output, phase.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        return folder;
    }
}
