namespace Vigil.Core.Runs;

/// <summary>
/// Receives a run's events, in order, on the training thread. Implementations return quickly (hand slow work to a
/// queue) and should not throw; the trainer still wraps every observer in a <see cref="SafeObserver"/>, because a
/// broken dashboard must never end a training run.
/// </summary>
public interface IRunObserver
{
    /// <summary>Called once per event, in <see cref="RunEvent.Sequence"/> order.</summary>
    void OnEvent(RunEvent runEvent);

    /// <summary>What this observer is, in the user's words, for messages about its failures ("the events log events.jsonl").</summary>
    string Description => "a run observer";
}

/// <summary>An observer that ignores everything (a run with no monitor and no log).</summary>
public sealed class NullRunObserver : IRunObserver
{
    /// <summary>The single instance.</summary>
    public static NullRunObserver Instance { get; } = new();

    private NullRunObserver() { }

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent) { }
}
