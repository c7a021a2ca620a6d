namespace Vigil.Core.Runs;

/// <summary>
/// Sends each event to several observers (the JSON-lines log, the monitoring recorder, the console), each isolated
/// by a <see cref="SafeObserver"/>, so one failing observer neither stops the others nor the trainer.
/// </summary>
public sealed class CompositeObserver : IRunObserver
{
    private readonly SafeObserver[] _observers;

    /// <summary>Combines <paramref name="observers"/>, in the order given.</summary>
    /// <param name="observers">The observers; an observer that is already a <see cref="SafeObserver"/> is used as is.</param>
    /// <param name="log">Where failures are reported (see <see cref="SafeObserver"/>).</param>
    public CompositeObserver(IEnumerable<IRunObserver> observers, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(observers);
        _observers = observers
            .Select(o => o ?? throw new ArgumentException("an observer is null", nameof(observers)))
            .Select(o => o as SafeObserver ?? new SafeObserver(o, log))
            .ToArray();
    }

    /// <summary>Combines <paramref name="observers"/>, reporting failures on standard error.</summary>
    public CompositeObserver(params IRunObserver[] observers) : this((IEnumerable<IRunObserver>)observers) { }

    /// <summary>The isolated observers, in call order (their <see cref="SafeObserver.Failures"/> say who failed).</summary>
    public IReadOnlyList<SafeObserver> Observers => _observers;

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent)
    {
        foreach (SafeObserver observer in _observers) observer.OnEvent(runEvent);
    }
}
