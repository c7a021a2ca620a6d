using System.Text.Json.Nodes;
using Vigil.Core.Runs;

namespace Vigil.Monitoring.Live;

/// <summary>
/// One x axis for a run trained in several phases (classifier, then VAE): each phase counts its steps and epochs
/// from 1, so a later phase is shifted past what the earlier ones reached, and its curves continue instead of being
/// drawn over the first phase's. A phase that starts again (a resume) keeps the offsets it had. After a restart of
/// the watcher, a resumed phase's <see cref="RunStarted.StepsDone"/> and <see cref="RunStarted.StartEpoch"/> say how
/// far it had gone (a completed phase announces itself that way too), so the next phase still starts after it.
/// </summary>
public sealed class PhaseTimeline
{
    private readonly Dictionary<TrainingPhase, (long Step, int Epoch)> _offsets = [];
    private (long Step, int Epoch) _current;
    private long _maxStep;
    private int _maxEpoch;

    /// <summary>The phase now training, once a run has started.</summary>
    public TrainingPhase? Phase { get; private set; }

    /// <summary>Notes a phase's start.</summary>
    public void Started(RunStarted started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (!_offsets.TryGetValue(started.Phase, out var offsets))
            _offsets[started.Phase] = offsets = _offsets.Count == 0 ? (0, 0) : (_maxStep, _maxEpoch);
        _current = offsets;
        _maxStep = Math.Max(_maxStep, offsets.Step + started.StepsDone);
        _maxEpoch = Math.Max(_maxEpoch, offsets.Epoch + Math.Min(started.StartEpoch, started.Epochs + 1) - 1);
        Phase = started.Phase;
    }

    /// <summary>The run-wide step of the current phase's <paramref name="phaseStep"/>.</summary>
    public long Step(long phaseStep)
    {
        long step = _current.Step + phaseStep;
        _maxStep = Math.Max(_maxStep, step);
        return step;
    }

    /// <summary>The run-wide epoch of the current phase's <paramref name="phaseEpoch"/>.</summary>
    public int Epoch(int phaseEpoch)
    {
        int epoch = _current.Epoch + phaseEpoch;
        _maxEpoch = Math.Max(_maxEpoch, epoch);
        return epoch;
    }

    /// <summary>
    /// Renumbers an epoch record's JSON on the run's axis: <c>epoch</c> becomes the run-wide epoch, <c>phase_epoch</c>
    /// and <c>phase</c> keep what the phase said. Returns the run-wide epoch.
    /// </summary>
    public int StampEpoch(JsonObject data, int phaseEpoch)
    {
        ArgumentNullException.ThrowIfNull(data);
        int epoch = Epoch(phaseEpoch);
        data["epoch"] = epoch;
        data["phase_epoch"] = phaseEpoch;
        if (Phase is { } phase) data["phase"] = phase.ToString().ToLowerInvariant();
        return epoch;
    }
}
