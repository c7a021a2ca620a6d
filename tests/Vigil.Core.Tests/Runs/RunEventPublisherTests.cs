using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class RunEventPublisherTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StampsRunIdClockAndIncreasingSequence()
    {
        var clock = new ManualClock(Start);
        var sink = new RecordingObserver();
        var publisher = new RunEventPublisher("run-42", sink, clock);

        RunStarted started = publisher.Publish(SampleEvents.Started());
        clock.Advance(TimeSpan.FromSeconds(3));
        BatchCompleted batch = publisher.Publish(SampleEvents.Batch());

        Assert.Equal(["run-42", "run-42"], sink.Events.Select(e => e.RunId));
        Assert.Equal([1L, 2L], sink.Events.Select(e => e.Sequence));
        Assert.Equal(Start, started.Timestamp);
        Assert.Equal(Start.AddSeconds(3), batch.Timestamp);
        Assert.Equal(2, publisher.LastSequence);
        Assert.Same(batch, sink.Events[1]);
        Assert.Equal(0.75, batch.Loss); // the payload survives stamping
    }

    [Fact]
    public void ResumedRunContinuesTheNumbering()
    {
        var sink = new RecordingObserver();
        var publisher = new RunEventPublisher("r", sink, lastSequence: 41);

        publisher.Publish(SampleEvents.Started() with { StartEpoch = 3, ResumedFrom = "last.ckpt" });

        Assert.Equal(42, sink.Events.Single().Sequence);
    }

    [Fact]
    public void AFailingObserverNeverReachesTheTrainer()
    {
        var throwing = new ThrowingObserver();
        var lines = new List<string>();
        var publisher = new RunEventPublisher("r", new SafeObserver(throwing, lines.Add));

        for (int i = 1; i <= 5; i++) publisher.Publish(SampleEvents.Batch(batch: i));

        Assert.Equal(5, throwing.Calls);
        Assert.Equal(5, publisher.LastSequence);
        Assert.Equal(3, lines.Count); // the first three in full, then quiet until the hundredth
        Assert.Contains("dashboard unreachable", lines[0], StringComparison.Ordinal);
        Assert.Contains("batch_completed #1", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentPublishersGetDistinctNumbersDeliveredInOrder()
    {
        var sink = new RecordingObserver();
        var publisher = new RunEventPublisher("r", sink);

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 2 == 0) publisher.Publish(SampleEvents.Batch(batch: i));
            else publisher.Publish(new RunStatusChanged { Status = RunStatus.Running });
        });

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), sink.Events.Select(e => e.Sequence));
    }
}
