using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Remote;
using Vigil.Server;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// What <c>--monitor</c> attaches to a training run: an embedded monitoring server (no URL given: its recorder
/// observes the run and its control routes pause/resume/stop it) or a remote one (a URL: events go to its ingestion
/// API, and its Pause/Resume/Stop reach the run as commands for an external trainer that accepts control). Disposing
/// stops the embedded server or flushes what is still queued for the remote one.
/// </summary>
public sealed class TrainingMonitor : IAsyncDisposable
{
    private readonly MonitoringServer? _server;
    private readonly RemoteRunObserver? _remote;

    private TrainingMonitor(IRunObserver observer, Uri url, MonitoringServer? server, RemoteRunObserver? remote)
    {
        Observer = observer; Url = url; _server = server; _remote = remote;
    }

    /// <summary>The observer to add to the run.</summary>
    public IRunObserver Observer { get; }

    /// <summary>The server's base URL.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Starts an embedded server (<paramref name="target"/> empty) configured from the MONITORING_* variables, or
    /// connects to the server at <paramref name="target"/>. Either way the server's control routes drive
    /// <paramref name="control"/>. Critical classes of the run are monitored too.
    /// </summary>
    /// <exception cref="UserInputException">The URL or the environment is invalid.</exception>
    public static async Task<TrainingMonitor> StartAsync(string target, string runId, TrainingControl control,
        IReadOnlyDictionary<string, double> critical, CancellationToken cancellationToken)
    {
        var options = MonitoringEnvironment.Read();
        if (string.IsNullOrWhiteSpace(target)) return await StartEmbeddedAsync(options, runId, control, critical, false, cancellationToken);
        if (!Uri.TryCreate(target, UriKind.Absolute, out var remoteUrl) || remoteUrl.Scheme is not ("http" or "https"))
            throw new UserInputException($"--monitor '{target}' is not an http(s) URL; give the server's address (e.g. http://localhost:8000) or no value to start one here.");
        var remote = new RemoteRunObserver(remoteUrl, new MonitorCallbackOptions { CriticalThresholds = Merge(options, critical) }, options.Token, control: control);
        return new TrainingMonitor(remote, remoteUrl, null, remote);
    }

    /// <summary>
    /// Starts an embedded server with <paramref name="options"/>, attaches <paramref name="control"/> to its control
    /// routes under <paramref name="runId"/>, and monitors <paramref name="critical"/> on top of the configured thresholds.
    /// With <paramref name="anyPortIfBusy"/>, a port already in use is replaced by a free one (the URL tells which).
    /// </summary>
    public static async Task<TrainingMonitor> StartEmbeddedAsync(MonitoringOptions options, string runId, TrainingControl control,
        IReadOnlyDictionary<string, double> critical, bool anyPortIfBusy, CancellationToken cancellationToken)
    {
        var server = await StartServerAsync(options with { CriticalThresholds = Merge(options, critical) }, null, anyPortIfBusy, cancellationToken);
        server.AttachRun(runId, control);
        return new TrainingMonitor(server.CreateRecorder(), server.Url!, server, null);
    }

    /// <summary>
    /// Starts a monitoring server; with <paramref name="anyPortIfBusy"/>, a port already in use is replaced by a free
    /// one (the server's URL tells which).
    /// </summary>
    public static async Task<MonitoringServer> StartServerAsync(MonitoringOptions options, MonitoringServerSetup? setup, bool anyPortIfBusy, CancellationToken cancellationToken)
    {
        var server = new MonitoringServer(options, setup);
        try
        {
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch (IOException) when (anyPortIfBusy && options.Port != 0)
        {
            await server.DisposeAsync();
            Console.Error.WriteLine($"monitor: port {options.Port} is in use; using a free one instead");
        }
        server = new MonitoringServer(options with { Port = 0 }, setup);
        await server.StartAsync(cancellationToken);
        return server;
    }

    private static Dictionary<string, double> Merge(MonitoringOptions options, IReadOnlyDictionary<string, double> critical)
    {
        var thresholds = new Dictionary<string, double>(options.CriticalThresholds, StringComparer.Ordinal);
        foreach (var (name, value) in critical) thresholds[name] = value;
        return thresholds;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_remote is not null) await _remote.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
