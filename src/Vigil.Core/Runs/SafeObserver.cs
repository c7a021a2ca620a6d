namespace Vigil.Core.Runs;

/// <summary>
/// Wraps an observer so its exceptions never reach the trainer: each failure is counted and reported through a log
/// callback (the first few in full, then one line every hundred, so a dead monitor does not flood the console).
/// </summary>
public sealed class SafeObserver : IRunObserver
{
    private const int ReportedInFull = 3;
    private const int ReportEvery = 100;

    private readonly IRunObserver _inner;
    private readonly Action<string> _log;
    private readonly string _name;
    private int _failures;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The observer to isolate.</param>
    /// <param name="log">Where failures are reported; null means one line on standard error (never standard output,
    /// which <c>--format json</c> keeps for its document).</param>
    /// <param name="name">How failures name the observer; its <see cref="IRunObserver.Description"/> by default.</param>
    public SafeObserver(IRunObserver inner, Action<string>? log = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _log = log ?? (line => Console.Error.WriteLine(line));
        _name = name ?? inner.Description;
    }

    /// <summary>How many events the inner observer failed on.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The wrapped observer.</summary>
    public IRunObserver Inner => _inner;

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent)
    {
        try
        {
            _inner.OnEvent(runEvent);
        }
        catch (Exception e)
        {
            int count = Interlocked.Increment(ref _failures);
            if (count <= ReportedInFull || count % ReportEvery == 0)
                Report($"{_name} failed on {runEvent.Type} #{runEvent.Sequence} ({count} failure{(count == 1 ? "" : "s")} so far; training continues): {DiskSpace.Describe(e)}");
        }
    }

    private void Report(string line)
    {
        try
        {
            _log(line);
        }
        catch (Exception)
        {
            // The log itself failed (closed console, broken callback): there is nowhere left to say so, and the
            // whole point of this class is that training goes on.
        }
    }
}
