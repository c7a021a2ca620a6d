using System.Diagnostics;

namespace Vigil.Datasets;

/// <summary>Sends <see cref="OrganizeProgress"/> reports for one stage at a time, at most four a second in between.</summary>
internal sealed class StageReporter(IProgress<OrganizeProgress>? progress)
{
    private readonly Stopwatch _clock = new();
    private string _stage = "";
    private string _unit = "";
    private long? _total;
    private long _lastReportTicks;

    /// <summary>Starts a stage and reports it.</summary>
    public void Start(string stage, long? total, string unit)
    {
        _stage = stage; _total = total; _unit = unit;
        _clock.Restart();
        _lastReportTicks = 0;
        Send(0, 0, completed: false);
    }

    /// <summary>Reports progress unless a report went out less than 250 ms ago.</summary>
    public void Update(long done, long images)
    {
        long now = _clock.ElapsedTicks;
        if (now - _lastReportTicks < Stopwatch.Frequency / 4) return;
        _lastReportTicks = now;
        Send(done, images, completed: false);
    }

    /// <summary>Reports the end of the stage.</summary>
    public void Complete(long done, long images, long? total = null)
    {
        if (total is not null) _total = total;
        Send(done, images, completed: true);
    }

    private void Send(long done, long images, bool completed)
    {
        if (progress is null) return;
        var elapsed = _clock.Elapsed;
        double rate = elapsed.TotalSeconds > 0 ? images / elapsed.TotalSeconds : 0;
        progress.Report(new OrganizeProgress(_stage, done, _total, _unit, images, rate, elapsed, completed));
    }
}
