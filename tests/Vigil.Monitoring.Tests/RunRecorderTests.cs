using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;

namespace Vigil.Monitoring.Tests;

public sealed class RunRecorderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ARunBecomesSeriesEpochsStateAlertsAndMessages()
    {
        var options = Fixtures.Options(_folder, o => o with { CriticalThresholds = new Dictionary<string, double> { ["RAO"] = 0.99 } });
        await using MonitoringSession session = await MonitoringSession.OpenAsync(options, sampler: new Systems.SystemSampler(_folder.Path, probeGpu: false));
        HubClient client = session.Hub.TryConnect()!;
        var publisher = new RunEventPublisher("run-7", session.CreateRecorder());

        publisher.Publish(Fixtures.Started(epochs: 1, batches: 3));
        for (int b = 1; b <= 3; b++) publisher.Publish(Fixtures.Batch(1, b, 3, loss: 1.0 / b));
        publisher.Publish(Fixtures.Epoch(1, 1, 3, raoSensitivity: 0.9));
        publisher.Publish(new EvaluationCompleted { Split = "test", Metrics = new Dictionary<string, double?> { ["auroc"] = 0.93 } });
        publisher.Publish(new RunStatusChanged { Status = RunStatus.Completed, Previous = RunStatus.Running });
        await session.Writer.FlushAsync();
        await session.Writer.FlushAsync(); // the alert operation queued its publish after the first flush point

        IMetricStore store = session.Store;
        RunInfo run = (await store.GetRunAsync("run-7"))!;
        Assert.Equal(RunStates.Completed, run.State);
        Assert.Equal("retina", run.Config!.Value.GetProperty("dataset").GetString());
        Assert.Equal("adamw", run.Hyperparameters!.Value.GetProperty("optimizer").GetString());
        Assert.Equal(0.93, run.FinalMetrics!.Value.GetProperty("metrics").GetProperty("auroc").GetDouble());

        IReadOnlyList<string> series = await store.ListSeriesAsync("run-7");
        foreach (string name in new[] { "loss/train", "accuracy/train", "learning_rate", "throughput", "loss/val", "accuracy/val", "auc_roc/macro", "auc_roc/weighted", "f1_score", "sensitivity/RAO", "eval/test/auroc" })
            Assert.Contains(name, series);
        Assert.DoesNotContain("sensitivity/RVO", series); // undefined, not zero
        SeriesHistory loss = (await store.QueryHistoryAsync(new HistoryQuery("run-7", ["loss/train"], null, null, 10)))[0];
        Assert.Equal([1.0, 0.5, 1.0 / 3], loss.Buckets.Select(b => b.Last!.Value));
        Assert.Equal(3, session.Cache.Get("run-7", "loss/train").Count);

        EpochRecord epoch = Assert.Single(await store.ListEpochsAsync("run-7"));
        Assert.Equal(9, epoch.Data.GetProperty("confusion_matrix")[1][1].GetInt32());
        Assert.Equal("RAO", epoch.Data.GetProperty("classes")[1].GetString());

        AlertRecord alert = Assert.Single(await store.ListAlertsAsync("run-7", 10));
        Assert.Equal(("RAO", "critical", 1), (alert.Condition, alert.Severity, alert.Epoch));

        Assert.Equal(RunStates.Completed, session.Status.Current.State);
        MetricsUpdate current = session.Current!;
        Assert.Equal(0.9, current.Metrics.PerClass["RAO"]);
        Assert.Equal(ConditionStatus.Critical, current.Metrics.CriticalConditions["RAO"].Status);

        var types = new List<string>();
        while (client.Waiting > 0) types.Add((await client.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))!.Type);
        Assert.Contains("epoch_end", types);
        Assert.Contains("alert", types);
        Assert.Contains("status", types);
        Assert.Contains("metrics_update", types);
    }

    [Fact]
    public async Task TheRecorderNeverWaitsForABusyStore()
    {
        await using MonitoringSession session = await MonitoringSession.OpenAsync(Fixtures.Options(_folder), sampler: new Systems.SystemSampler(_folder.Path, probeGpu: false));
        var gate = new TaskCompletionSource();
        Task held = session.Writer.RunAsync(async (_, _) => await gate.Task);
        try
        {
            // The store stays held until the trainer's 2,000 batches are all published: had the recorder waited on
            // it, publishing could not end. (Its cost per batch is the monitor-observers benchmark's figure.)
            var publisher = new RunEventPublisher("busy", session.CreateRecorder());
            await Task.Run(() =>
            {
                publisher.Publish(Fixtures.Started());
                for (int b = 1; b <= 2000; b++) publisher.Publish(Fixtures.Batch(1 + b / 1000, 1 + b % 1000, 1000, 0.5));
            }).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(held.IsCompleted);
            Assert.True(session.Writer.Pending >= 2000, $"{session.Writer.Pending} writes queued"); // queued, none written yet
        }
        finally
        {
            gate.TrySetResult(); // released whatever happens: a failure must not hang the session's disposal
        }
        await held;
        await session.Writer.FlushAsync();
        Assert.Equal(2000, (await session.Store.QueryHistoryAsync(new HistoryQuery("busy", ["loss/train"], null, null, 5000)))[0].TotalPoints);
    }

    [Fact]
    public async Task AnExternalUpdateIsCheckedAgainstThresholdsAndPublished()
    {
        var options = Fixtures.Options(_folder, o => o with { CriticalThresholds = new Dictionary<string, double> { ["RVO"] = 0.97 } });
        await using MonitoringSession session = await MonitoringSession.OpenAsync(options, sampler: new Systems.SystemSampler(_folder.Path, probeGpu: false));
        var update = new MetricsUpdate { Epoch = 2, Batch = 5, TotalBatches = 10, Metrics = new UpdateMetrics { PerClass = new Dictionary<string, double> { ["RVO"] = 0.955 } } };
        session.ApplyExternalUpdate("lightning-1", update);
        await session.Writer.FlushAsync();
        Assert.Equal(("lightning-1", RunStates.Running, 2, 5), (session.Status.Current.RunId, session.Status.Current.State, session.Status.Current.Epoch, session.Status.Current.Batch));
        Assert.Equal(ConditionStatus.Warning, session.Current!.Metrics.CriticalConditions["RVO"].Status);
        Assert.Equal("warning", Assert.Single(await session.Store.ListAlertsAsync(null, 5)).Severity);
        Assert.Equal("lightning-1", session.Current.RunId);
        Assert.False(string.IsNullOrEmpty(session.Current.Timestamp));
    }
}
