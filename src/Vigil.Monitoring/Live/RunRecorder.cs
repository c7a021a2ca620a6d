using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Runs;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Live;

/// <summary>
/// Records a run trained in this process: turns its events into series points, epoch records (with the confusion
/// matrix), run state, alerts and WebSocket messages. Runs on the training thread, so it only updates memory and
/// queues writes (<see cref="StoreWriter.TryEnqueue(MetricPoint)"/>); nothing here waits on the disk or a client.
/// </summary>
/// <remarks>The series names are <see cref="RunEventPoints"/>'s.</remarks>
public sealed class RunRecorder : IRunObserver
{
    private readonly MonitoringSession _session;
    private readonly RunEventPoints _points = new();
    private IReadOnlyList<string> _classes = [];

    internal RunRecorder(MonitoringSession session) => _session = session;

    /// <inheritdoc />
    public string Description => "the monitoring server's recorder";

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        _session.Updates.Apply(runEvent);
        bool stateChanged = _session.Status.Apply(runEvent);
        Queue(_points.From(runEvent));
        switch (runEvent)
        {
            case RunStarted started: OnStarted(started); break;
            case BatchCompleted: _session.PublishCurrentFigures(); break;
            case EpochCompleted epoch: OnEpoch(epoch); break;
            case EvaluationCompleted evaluation: OnEvaluation(evaluation); break;
            case RunStatusChanged status: OnStatus(status); break;
        }
        if (runEvent is not BatchCompleted)
        {
            string json = RunEventJson.Serialize(runEvent);
            _session.Writer.TryEnqueue((store, token) => store.AppendEventAsync(runEvent.RunId, runEvent.Sequence, runEvent.Type, runEvent.Timestamp, json, token));
        }
        if (stateChanged) _session.PublishStatus();
    }

    private void OnStarted(RunStarted started)
    {
        _classes = started.Classes;
        _session.Conditions.Reset(started.SensitivityTargets);
        JsonObject config = ToObject(started);
        config.Remove("hyperparameters");
        var run = new RunInfo
        {
            Id = started.RunId, Name = started.RunId, State = RunStates.Running, Source = "vigil",
            CreatedAt = started.Timestamp, UpdatedAt = started.Timestamp,
            Config = JsonSerializer.SerializeToElement(config, RunEventJson.Options),
            Hyperparameters = JsonSerializer.SerializeToElement(started.Hyperparameters, RunEventJson.Options),
        };
        // A resumed run upserts the same row: its created_at stays the first start's.
        _session.Writer.TryEnqueue((store, token) => store.UpsertRunAsync(run, token));
        _session.PublishCurrentFigures();
    }

    private void OnEpoch(EpochCompleted epoch)
    {
        JsonObject data = ToObject(epoch);
        data["classes"] = JsonSerializer.SerializeToNode(_classes, RunEventJson.Options);
        // The timeline numbers epochs across phases (the VAE's first epoch follows the classifier's last).
        int runEpoch = _points.Timeline.StampEpoch(data, epoch.Epoch);
        var record = new EpochRecord(epoch.RunId, runEpoch, epoch.Timestamp, JsonSerializer.SerializeToElement(data, RunEventJson.Options));
        _session.Writer.TryEnqueue((store, token) => store.SaveEpochAsync(record, token));

        var changes = _session.Conditions.Observe(epoch.PerClass.Select(c => KeyValuePair.Create(c.Class, c.Sensitivity)));
        _session.RaiseAlerts(epoch.RunId, changes, runEpoch, epoch.Timestamp);
        _session.Hub.Publish("epoch_end", data);
        _session.PublishCurrentFigures();
    }

    private void OnEvaluation(EvaluationCompleted evaluation)
    {
        if (evaluation.Epoch is null)
        {
            // An evaluation of the final weights is the run's result (GET /api/runs/{id} final_metrics).
            JsonObject result = ToObject(evaluation);
            result["classes"] = JsonSerializer.SerializeToNode(_classes, RunEventJson.Options);
            JsonElement final = JsonSerializer.SerializeToElement(result, RunEventJson.Options);
            _session.Writer.TryEnqueue((store, token) => store.SetFinalMetricsAsync(evaluation.RunId, final, evaluation.Timestamp, token));
        }
    }

    private void OnStatus(RunStatusChanged status)
    {
        string state = RunStates.From(status.Status);
        _session.Writer.TryEnqueue((store, token) => store.SetRunStateAsync(status.RunId, state, status.Timestamp, token));
    }

    private void Queue(List<MetricPoint> points)
    {
        foreach (MetricPoint point in points)
        {
            _session.Cache.Add(point);
            _session.Writer.TryEnqueue(point);
        }
        _session.CountIngested(points.Count);
    }

    private static JsonObject ToObject(RunEvent runEvent)
    {
        var node = (JsonObject)JsonNode.Parse(RunEventJson.Serialize(runEvent))!;
        node.Remove("type");
        return node;
    }
}
