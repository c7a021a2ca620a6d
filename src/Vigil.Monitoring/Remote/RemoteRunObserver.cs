using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Runs;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Systems;

namespace Vigil.Monitoring.Remote;

/// <summary>
/// Sends a run to a monitoring server in another process (<c>vigil train --monitor http://host:8000</c>) through the
/// ingestion API: <c>POST /api/runs</c> once, then <c>POST /api/runs/{id}/log</c> with the points gathered since the
/// last send (1,000 per request), the latest <c>metrics_update</c>, epoch records and state changes, in order, at most
/// <see cref="MonitorCallbackOptions.UpdateFrequency"/> times a second. <see cref="OnEvent"/> only updates memory: a
/// slow or absent server never slows the trainer. Unsent work is kept (bounded) and retried.
/// <para>
/// Given the run's <see cref="TrainingControl"/>, the run also obeys the server's Pause/Resume/Stop as an external
/// trainer that accepts control: it says so when it creates the run (<c>"accepts_control": true</c>), reads the pending
/// command from each <c>/log</c> answer and from a long poll (<c>GET /api/runs/{id}/command?after=N&amp;wait=20</c>),
/// drives the control with it, and acknowledges it (<c>POST /api/runs/{id}/command/ack</c>) once the trainer has acted:
/// a pause when the trainer reports it has paused at its batch boundary, a stop when it reports stopping (or ends), a
/// resume at once. The acknowledgement goes in order with the run's work, before the state the trainer reports next.
/// </para>
/// </summary>
public sealed class RemoteRunObserver : IRunObserver, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly MonitorCallbackOptions _options;
    private readonly SystemSampler? _sampler;
    private readonly TimeProvider _time;
    private readonly MetricsUpdateBuilder _builder = new();
    private readonly CriticalConditionMonitor _conditions;
    private readonly RunEventPoints _points;
    // Ordered work: points, epochs and states keep the order the trainer produced them in.
    private readonly LinkedList<Work> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    // One send at a time: a flush must also wait for the loop's request in flight, and order must hold.
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Task _loop;
    private readonly TrainingControl? _control;
    private readonly Task? _pollLoop;
    private int _pendingPoints;
    // Control: the run id once the server has it, the newest command seen, and the commands whose acknowledgement
    // waits for the trainer to act (a pause until it has paused, a stop until it stops).
    private string? _createdRunId;
    private long _lastCommand;
    private long? _pauseToAcknowledge, _stopToAcknowledge;
    private bool _updateDirty;
    private long _dropped, _sentPoints, _failures;
    private string? _lastError;

    /// <summary>Starts sending to <paramref name="server"/>.</summary>
    /// <param name="server">The server's base URL, e.g. <c>http://gpu-box:8000/</c>.</param>
    /// <param name="options">The callback options.</param>
    /// <param name="token">The server's <c>MONITORING_TOKEN</c>, when it requires one.</param>
    /// <param name="http">An HttpClient to use (not disposed); a new one by default.</param>
    /// <param name="time">The clock.</param>
    /// <param name="control">
    /// The run's control, for the server's Pause/Resume/Stop to reach it (the run then declares it accepts control);
    /// null to send the run without taking commands.
    /// </param>
    public RemoteRunObserver(Uri server, MonitorCallbackOptions? options = null, string? token = null, HttpClient? http = null, TimeProvider? time = null,
        TrainingControl? control = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _options = (options ?? new MonitorCallbackOptions()).Validate();
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _time = time ?? TimeProvider.System;
        _sampler = _options.EnableSystemMonitoring ? new SystemSampler(".", _time) : null;
        _conditions = new CriticalConditionMonitor(_options.CriticalThresholds, _options.WarningMargin);
        _points = new RunEventPoints(_options.EnableClassMonitoring);
        _control = control;
        _loop = Task.Run(LoopAsync);
        if (control is not null) _pollLoop = Task.Run(PollLoopAsync);
    }

    /// <summary>Whether the server's Pause/Resume/Stop reach the run (a control was given).</summary>
    public bool AcceptsControl => _control is not null;

    /// <summary>The server's base URL.</summary>
    public Uri Server { get; }

    /// <inheritdoc />
    public string Description => $"the monitor at {Server}";

    /// <summary>Points dropped because the server was unreachable for too long.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Points the server acknowledged.</summary>
    public long SentPoints => Interlocked.Read(ref _sentPoints);

    /// <summary>Requests that failed (each is retried).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The last failure's description, or null.</summary>
    public string? LastError
    {
        get { lock (_gate) return _lastError; }
    }

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        lock (_gate)
        {
            _builder.Apply(runEvent);
            List<MetricPoint> points = _points.From(runEvent);
            foreach (MetricPoint[] chunk in points.Chunk(Configuration.MonitoringOptions.MaxPointsPerLog))
                Enqueue(new Work(runEvent.RunId, [.. chunk], null, null, null));
            switch (runEvent)
            {
                case RunStarted started:
                    _conditions.Reset(started.SensitivityTargets);
                    JsonObject config = Without(started, "hyperparameters");
                    var create = new JsonObject
                    {
                        ["id"] = started.RunId,
                        ["name"] = started.RunId,
                        ["config"] = config,
                        ["hyperparameters"] = JsonSerializer.SerializeToNode(started.Hyperparameters, RunEventJson.Options),
                        ["accepts_control"] = AcceptsControl,
                    };
                    Enqueue(new Work(started.RunId, null, create, null, null));
                    break;
                case EpochCompleted epoch:
                    if (_options.EnableClassMonitoring)
                        _conditions.Observe(epoch.PerClass.Select(c => KeyValuePair.Create(c.Class, c.Sensitivity)));
                    JsonObject data = Without(epoch);
                    data["classes"] = JsonSerializer.SerializeToNode(_builder.Classes, RunEventJson.Options);
                    _points.Timeline.StampEpoch(data, epoch.Epoch);
                    Enqueue(new Work(epoch.RunId, null, null, data, null));
                    break;
                case RunStatusChanged status:
                    AcknowledgeActedLocked(status);
                    Enqueue(new Work(status.RunId, null, null, null, RunStates.From(status.Status)));
                    break;
            }
            if (runEvent is BatchCompleted or EpochCompleted or RunStarted) _updateDirty = true;
        }
    }

    /// <summary>Sends everything gathered so far; completes when the server acknowledged it (or throws why not).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (!await SendAsync(cancellationToken).ConfigureAwait(false))
            throw new HttpRequestException($"the monitoring server at {Server} did not take the update: {LastError}");
    }

    /// <summary>Stops the send loop after a last attempt (up to 10 s) to send what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        if (_pollLoop is not null) await _pollLoop.ConfigureAwait(false);
        using (var last = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try { await SendAsync(last.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _sampler?.Dispose();
        if (_ownsHttp) _http.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _options.UpdateFrequency), _time);
        DateTimeOffset lastSample = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                // Resources once a second at most, whatever the update rate.
                if (_sampler is not null && _time.GetUtcNow() - lastSample >= TimeSpan.FromSeconds(1))
                {
                    _sampler.Sample();
                    lastSample = _time.GetUtcNow();
                }
                await SendAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposing.
        }
    }

    // Sends queued work in order; returns false (keeping the work) when the server did not take it.
    private async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendQueuedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task<bool> SendQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            (string? path, JsonObject? body, List<Work> taken) = Next();
            if (path is null) return true;
            try
            {
                using var content = new StringContent(body!.ToJsonString(MonitoringJson.Options), Encoding.UTF8, "application/json");
                using HttpResponseMessage response = await _http.PostAsync(new Uri(Server, path), content, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Add(ref _sentPoints, taken.Sum(w => w.Points?.Count ?? 0));
                    if (taken is [{ Create: not null } created]) lock (_gate) _createdRunId = created.RunId;
                    else if (_control is not null && taken is not [{ Ack: not null }]) Obey(await ReadCommandAsync(response, cancellationToken).ConfigureAwait(false));
                    continue;
                }
                // The command is no longer pending (a newer request replaced it): nothing left to acknowledge.
                if (response.StatusCode == HttpStatusCode.Conflict && taken is [{ Ack: not null }]) continue;
                string reason = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                Fail($"{(int)response.StatusCode} from {path}: {reason}", taken,
                    // The server lost the run (a fresh store): create it again before the rest.
                    recreate: response.StatusCode == HttpStatusCode.NotFound);
                // A 4xx other than 404 will not get better by retrying: drop that request, keep going.
                if ((int)response.StatusCode is >= 400 and < 500 and not 404 and not 401 and not 408 and not 429) Drop(taken);
                return false;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Unreachable, timed out or cancelled mid-request: the work goes back in front either way.
                Fail($"{e.GetType().Name}: {e.Message}", taken, recreate: false);
                if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                return false;
            }
        }
    }

    // The next request: a run creation alone, or a log request with up to 1,000 points plus the epochs/states that
    // follow them and, on the last one, the latest metrics_update.
    private (string? Path, JsonObject? Body, List<Work> Taken) Next()
    {
        lock (_gate)
        {
            var taken = new List<Work>();
            if (_queue.First?.Value is { Create: { } create } first)
            {
                _queue.RemoveFirst();
                taken.Add(first);
                return ("api/runs", create, taken);
            }
            if (_queue.First?.Value is { Ack: { } commandId } acknowledgement)
            {
                _queue.RemoveFirst();
                taken.Add(acknowledgement);
                return ($"api/runs/{Uri.EscapeDataString(acknowledgement.RunId)}/command/ack", new JsonObject { ["id"] = commandId }, taken);
            }
            string? runId = _queue.First?.Value.RunId ?? _builder.RunId;
            if (runId is null || (_queue.Count == 0 && !_updateDirty)) return (null, null, taken);
            var points = new JsonArray();
            JsonObject body = new();
            int count = 0;
            while (_queue.First?.Value is { } work && work.RunId == runId && work.Create is null && work.Ack is null)
            {
                if (work.Points is { } list)
                {
                    if (count + list.Count > Configuration.MonitoringOptions.MaxPointsPerLog && count > 0) break;
                    foreach (MetricPoint p in list)
                        points.Add(new JsonObject { ["series"] = p.Series, ["step"] = p.Step, ["value"] = JsonValue.Create(p.Value), ["time"] = MetricsUpdateBuilder.FormatTimestamp(p.WallTime) });
                    count += list.Count;
                }
                if (work.Epoch is not null && body.ContainsKey("epoch")) break; // one epoch record per request
                if (work.Epoch is { } epoch) body["epoch"] = epoch.DeepClone();
                if (work.State is { } state) body["state"] = state;
                _queue.RemoveFirst();
                _pendingPoints -= work.Points?.Count ?? 0;
                taken.Add(work);
                if (work.State is not null) break; // a state closes the request so later points are not sent before it
            }
            if (count > 0) body["points"] = points;
            if (_queue.Count == 0 && _updateDirty && _builder.RunId == runId)
            {
                body["metrics_update"] = JsonSerializer.SerializeToNode(BuildUpdate(), MonitoringJson.Options);
                _updateDirty = false;
            }
            return body.Count == 0 ? (null, null, taken) : ($"api/runs/{Uri.EscapeDataString(runId)}/log", body, taken);
        }
    }

    private MetricsUpdate BuildUpdate()
    {
        MetricsUpdate update = _builder.Build(_options.EnableClassMonitoring ? _conditions.Current : new Dictionary<string, CriticalConditionState>(),
            _sampler?.Latest, _time.GetUtcNow());
        return _options.EnableClassMonitoring ? update : update with { Metrics = update.Metrics with { PerClass = new Dictionary<string, double>() } };
    }

    private void Enqueue(Work work)
    {
        _queue.AddLast(work);
        _pendingPoints += work.Points?.Count ?? 0;
        // Over the bound: drop the oldest points (never run creations, epochs or states, which are few and matter).
        for (LinkedListNode<Work>? node = _queue.First; node is not null && _pendingPoints > _options.MaxPendingPoints;)
        {
            LinkedListNode<Work>? next = node.Next;
            if (node.Value.Points is { } points && node.Value.Epoch is null && node.Value.State is null)
            {
                _pendingPoints -= points.Count;
                Interlocked.Add(ref _dropped, points.Count);
                _queue.Remove(node);
            }
            node = next;
        }
    }

    private void Fail(string error, List<Work> taken, bool recreate)
    {
        Interlocked.Increment(ref _failures);
        lock (_gate)
        {
            _lastError = error;
            // Put the work back in front, in its order, to retry on the next tick.
            for (int i = taken.Count - 1; i >= 0; i--)
            {
                _queue.AddFirst(taken[i]);
                _pendingPoints += taken[i].Points?.Count ?? 0;
            }
            _updateDirty = true;
            if (recreate) RecreateLocked();
        }
    }

    // The server lost the run (a fresh store): create it again before the rest; commands start afresh there.
    private void RecreateLocked()
    {
        if (_builder.RunId is not { } runId || _queue.First?.Value.Create is not null) return;
        _queue.AddFirst(new Work(runId, null, new JsonObject { ["id"] = runId, ["name"] = runId, ["accepts_control"] = AcceptsControl }, null, null));
        _createdRunId = null;
        _lastCommand = 0;
    }

    private void Drop(List<Work> taken)
    {
        lock (_gate)
        {
            foreach (Work work in taken)
            {
                if (_queue.Remove(work)) _pendingPoints -= work.Points?.Count ?? 0;
                Interlocked.Add(ref _dropped, work.Points?.Count ?? 0);
            }
        }
    }

    private static JsonObject Without(RunEvent runEvent, params string[] names)
    {
        var node = (JsonObject)JsonNode.Parse(RunEventJson.Serialize(runEvent))!;
        node.Remove("type");
        foreach (string name in names) node.Remove(name);
        return node;
    }

    // ---- control -------------------------------------------------------------------------------------------------

    // The long poll: waits (up to PollWaitSeconds) for a command newer than the last one seen, again and again, once
    // the server has the run. Unreachable or failing: tries again with back-off; never throws.
    private async Task PollLoopAsync()
    {
        TimeSpan backoff = MinBackoff;
        while (!_stop.IsCancellationRequested)
        {
            string? runId;
            long after;
            lock (_gate) (runId, after) = (_createdRunId, _lastCommand);
            try
            {
                if (runId is null)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, _stop.Token).ConfigureAwait(false);
                    continue;
                }
                var poll = new Uri(Server, $"api/runs/{Uri.EscapeDataString(runId)}/command?after={after}&wait={PollWaitSeconds}");
                using HttpResponseMessage response = await _http.GetAsync(poll, _stop.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Obey(await ReadCommandAsync(response, _stop.Token).ConfigureAwait(false));
                    backoff = MinBackoff;
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotFound) lock (_gate) RecreateLocked();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Unreachable or timed out: ask again after the back-off.
            }
            try { await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble() / 2), _time, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private const int PollWaitSeconds = 20;
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(0.5), MaxBackoff = TimeSpan.FromSeconds(5);

    // The command in a /log or poll answer ({"command": {...} | null}), or null when there is none or it cannot be read.
    private static async Task<RunCommand?> ReadCommandAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try { return JsonSerializer.Deserialize<CommandEnvelope>(text, MonitoringJson.Options)?.Command; }
        catch (JsonException) { return null; }
    }

    // Drives the run's control with a command seen for the first time. A pause or a stop is acknowledged once the
    // trainer has acted on it (AcknowledgeActedLocked), or at once when there is nothing to do (already paused, already
    // stopping); a resume at once (the trainer goes on as soon as the control lets it).
    private void Obey(RunCommand? command)
    {
        if (command is null || _control is null) return;
        lock (_gate)
        {
            if (command.Id <= _lastCommand) return;
            _lastCommand = command.Id;
            // Set before the control moves: the trainer may report that it acted before this thread gets back here.
            if (command.Action == "pause") _pauseToAcknowledge = command.Id;
            else if (command.Action == "stop") _stopToAcknowledge = command.Id;
            else if (command.Action == "resume") _pauseToAcknowledge = null; // a pause not reached yet is called off
            else return;
        }
        // Outside the lock: the control raises its events and cancels its stop token on this thread.
        bool moved = command.Action switch
        {
            "pause" => _control.Pause("paused from the monitoring server"),
            "stop" => _control.Stop("stopped from the monitoring server"),
            _ => _control.Resume("resumed from the monitoring server") || true,
        };
        lock (_gate)
        {
            if (command.Action == "pause" && !moved && _pauseToAcknowledge == command.Id) _pauseToAcknowledge = null;
            else if (command.Action == "stop" && !moved && _stopToAcknowledge == command.Id) _stopToAcknowledge = null;
            else if (command.Action != "resume") return;
            AcknowledgeLocked(command.Id);
        }
    }

    // The trainer reported a state: acknowledge the command it carried out (before that state, in the queue's order).
    private void AcknowledgeActedLocked(RunStatusChanged status)
    {
        if (status.Status == RunStatus.Paused && _pauseToAcknowledge is { } pause)
        {
            _pauseToAcknowledge = null;
            AcknowledgeLocked(pause);
        }
        else if ((status.Status == RunStatus.Stopping || status.Status.IsTerminal()) && _stopToAcknowledge is { } stop)
        {
            _stopToAcknowledge = null;
            AcknowledgeLocked(stop);
        }
        if (status.Status.IsTerminal()) _pauseToAcknowledge = null; // ended before reaching the pause
    }

    private void AcknowledgeLocked(long commandId)
    {
        if ((_createdRunId ?? _builder.RunId) is { } runId) Enqueue(new Work(runId, null, null, null, null, commandId));
    }

    private sealed record CommandEnvelope(RunCommand? Command);

    // A class, not a record: queue removal must find this very item, not an equal one.
    private sealed class Work(string runId, List<MetricPoint>? points, JsonObject? create, JsonObject? epoch, string? state, long? ack = null)
    {
        public string RunId { get; } = runId;
        public List<MetricPoint>? Points { get; } = points;
        public JsonObject? Create { get; } = create;
        public JsonObject? Epoch { get; } = epoch;
        public string? State { get; } = state;
        /// <summary>A command to acknowledge (alone in its request).</summary>
        public long? Ack { get; } = ack;
    }
}
