using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class ObserverTests
{
    [Fact]
    public void CompositeKeepsDeliveringToHealthyObserversWhenOneFails()
    {
        var before = new RecordingObserver();
        var broken = new ThrowingObserver();
        var after = new RecordingObserver();
        var log = new List<string>();
        var composite = new CompositeObserver([before, broken, after], log.Add);

        composite.OnEvent(SampleEvents.Batch());
        composite.OnEvent(SampleEvents.Epoch());

        Assert.Equal(2, before.Events.Count);
        Assert.Equal(2, after.Events.Count);
        Assert.Equal([0, 2, 0], composite.Observers.Select(o => o.Failures));
        Assert.Equal(2, log.Count);
        Assert.Contains("dashboard unreachable", log[0], StringComparison.Ordinal);
    }

    [Fact]
    public void SafeObserverReportsSparselyAfterTheFirstFailures()
    {
        var log = new List<string>();
        var safe = new SafeObserver(new ThrowingObserver(), log.Add, name: "monitor");

        for (int i = 0; i < 250; i++) safe.OnEvent(SampleEvents.Batch());

        Assert.Equal(250, safe.Failures);
        // 1, 2, 3 in full, then 100 and 200.
        Assert.Equal(5, log.Count);
        Assert.Contains("200 failures", log[^1], StringComparison.Ordinal);
        Assert.All(log, l => Assert.StartsWith("monitor failed", l, StringComparison.Ordinal));
    }

    [Fact]
    public void AFailingObserverIsNamedInTheUsersWordsNotByItsType()
    {
        var log = new List<string>();
        new SafeObserver(new ThrowingObserver(), log.Add).OnEvent(SampleEvents.Batch());
        Assert.StartsWith("a run observer failed on batch_completed", Assert.Single(log), StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(ThrowingObserver), log[0]);
        Assert.DoesNotContain("Exception", log[0]);
        Assert.EndsWith("dashboard unreachable", log[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenLogCallbackIsSwallowedToo()
    {
        var safe = new SafeObserver(new ThrowingObserver(), _ => throw new IOException("stderr closed"));

        safe.OnEvent(SampleEvents.Batch());

        Assert.Equal(1, safe.Failures);
    }

    [Fact]
    public void SafeObserversAreNotWrappedTwice()
    {
        var inner = new SafeObserver(new RecordingObserver());
        var composite = new CompositeObserver(inner);

        Assert.Same(inner, composite.Observers.Single());
        Assert.Throws<ArgumentException>(() => new CompositeObserver([null!]));
    }
}
