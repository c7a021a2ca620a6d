using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Simulation;
using Vigil.Server;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// Simulated runs of a <see cref="SimulationProfile"/> on a monitoring server (<c>vigil demo --simulate</c>,
/// <c>vigil serve --simulate</c>): each launch plays a new run through the server's recorder with its control attached,
/// so the dashboard's Start, Pause, Resume and Stop act on it. <c>POST /api/training/start</c> launches one too
/// (its <c>epochs</c> is honoured; dataset and phase are the profile's).
/// </summary>
public sealed class SimulationLauncher
{
    private readonly Func<MonitoringServer> _server;
    private readonly SimulationProfile _profile;
    private readonly SimulationOptions _pace;
    private readonly object _gate = new();
    private (Task<RunStatus> Task, TrainingControl Control)? _current;

    /// <summary>Creates a launcher for the server <paramref name="server"/> returns (set once it is constructed).</summary>
    public SimulationLauncher(Func<MonitoringServer> server, SimulationProfile profile, SimulationOptions pace)
    {
        _server = server; _profile = profile; _pace = pace;
    }

    /// <summary>The profile played.</summary>
    public SimulationProfile Profile => _profile;

    /// <summary>The run being played (or the last one), once one was launched.</summary>
    public Task<RunStatus>? Current { get { lock (_gate) return _current?.Task; } }

    /// <summary>Starts a simulated run (with <paramref name="epochs"/>, else the pace's or the profile's) and returns its id.</summary>
    /// <param name="epochs">Epochs of this run, or null.</param>
    /// <param name="progress">Also print the run's progress (terminal), as a trainer would.</param>
    public string Launch(int? epochs, bool progress)
    {
        if (epochs is < 1 or > 10_000) throw new InvalidTrainingRequestException("epochs must be between 1 and 10000");
        string runId = $"{Slug(_profile.Name)}-simulated-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}";
        MonitoringServer server = _server();
        var control = new TrainingControl();
        server.AttachRun(runId, control);
        IRunObserver observer = progress ? new CompositeObserver([new TrainingProgressObserver(), server.CreateRecorder()]) : server.CreateRecorder();
        var events = new RunEventPublisher(runId, observer);
        var pace = epochs is null ? _pace : _pace with { Epochs = epochs };
        var task = Task.Run(() => TrainingSimulator.RunAsync(_profile, pace, events, control));
        lock (_gate) _current = (task, control);
        return runId;
    }

    /// <summary>The start route's launcher: a new simulated run.</summary>
    public Task<string> LaunchAsync(TrainingStartRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Task.FromResult(Launch(body.Epochs, progress: false));
    }

    /// <summary>Stops the run being played, if any, and waits for its end.</summary>
    public async Task StopAsync(string reason)
    {
        (Task<RunStatus> Task, TrainingControl Control)? current;
        lock (_gate) current = _current;
        if (current is not { } c) return;
        c.Control.Stop(reason);
        await c.Task.ConfigureAwait(false);
    }

    /// <summary>Reads the profile (built-in RETFound when <paramref name="path"/> is null) as user input.</summary>
    /// <exception cref="UserInputException">The file is missing or invalid.</exception>
    public static SimulationProfile LoadProfile(string? path)
    {
        try { return path is null ? SimulationProfile.Retfound() : SimulationProfile.Load(path); }
        catch (SimulationProfileException e) { throw new UserInputException($"--profile: {e.Message}. Start from the built-in profile's format in docs/monitoring-api.md."); }
    }

    /// <summary>Checks a <c>--epoch-seconds</c> value.</summary>
    /// <exception cref="UserInputException">It is outside [0, 3600].</exception>
    public static double CheckEpochSeconds(double seconds) =>
        seconds is >= 0 and <= 3600 ? seconds : throw new UserInputException("--epoch-seconds must be between 0 and 3600.");

    private static string Slug(string name) => new(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}
