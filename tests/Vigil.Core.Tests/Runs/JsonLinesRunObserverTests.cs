using System.Text.Json;
using Vigil.Core.Runs;

namespace Vigil.Core.Tests.Runs;

public sealed class JsonLinesRunObserverTests
{
    [Fact]
    public void WritesOneObjectPerLineReadableByRunEventLog()
    {
        using var folder = new TempFolder();
        string run = Path.Combine(folder.Path, "run-1");
        using (var log = new JsonLinesRunObserver(run))
        {
            var publisher = new RunEventPublisher("run-1", log);
            foreach (RunEvent e in SampleEvents.All()) publisher.Publish(e);
        }

        string[] lines = File.ReadAllLines(Path.Combine(run, "events.jsonl"));
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(l).RootElement.ValueKind));
        RunEventLogContents read = RunEventLog.ReadRunFolder(run);
        Assert.Equal(SampleEvents.All().Select(e => e.Type), read.Events.Select(e => e.Type));
        Assert.Equal(6, read.LastSequence);
        Assert.Equal(0, read.MalformedLines);
    }

    [Fact]
    public void AnEpochEventMakesEverythingBeforeItVisibleWhileTheRunGoesOn()
    {
        using var folder = new TempFolder();
        using var log = new JsonLinesRunObserver(folder.Path);
        var publisher = new RunEventPublisher("r", log);
        for (int b = 1; b <= 3; b++) publisher.Publish(SampleEvents.Batch(batch: b));
        publisher.Publish(SampleEvents.Epoch());

        // Read by another reader while the observer still holds the file open.
        RunEventLogContents read = RunEventLog.Read(log.Path);

        Assert.Equal([BatchCompleted.TypeName, BatchCompleted.TypeName, BatchCompleted.TypeName, EpochCompleted.TypeName], read.Events.Select(e => e.Type));
    }

    [Fact]
    public void AResumedRunAppendsAfterAKilledWritersHalfLine()
    {
        using var folder = new TempFolder();
        using (var first = new JsonLinesRunObserver(folder.Path))
        {
            var publisher = new RunEventPublisher("r", first);
            publisher.Publish(SampleEvents.Started());
            publisher.Publish(SampleEvents.Epoch());
        }
        string path = Path.Combine(folder.Path, JsonLinesRunObserver.FileName);
        // The process died in the middle of writing its next event.
        File.AppendAllText(path, """{"type":"batch_completed","epoch":2,"ba""");

        long last = RunEventLog.ReadRunFolder(folder.Path).LastSequence;
        using (var second = new JsonLinesRunObserver(folder.Path))
        {
            var publisher = new RunEventPublisher("r", second, lastSequence: last);
            publisher.Publish(SampleEvents.Started() with { StartEpoch = 2 });
        }

        RunEventLogContents read = RunEventLog.Read(path);
        Assert.Equal([1L, 2L, 3L], read.Events.Select(e => e.Sequence));
        Assert.Equal(2, ((RunStarted)read.Events[2]).StartEpoch);
        Assert.Equal(1, read.MalformedLines);
        Assert.Contains("line 3", read.Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void EventsFromANewerWriterAreSkippedNotFatal()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "events.jsonl");
        File.WriteAllLines(path,
        [
            RunEventJson.Serialize(SampleEvents.Batch() with { Sequence = 1 }),
            """{"type":"gpu_sample","sequence":2,"gpu_usage":0.5}""",
            "",
            RunEventJson.Serialize(SampleEvents.Epoch() with { Sequence = 3 }),
        ]);

        RunEventLogContents read = RunEventLog.Read(path);

        Assert.Equal(2, read.Events.Count);
        Assert.Equal(1, read.UnknownTypeLines);
        Assert.Equal(0, read.MalformedLines);
        Assert.Equal(3, read.LastSequence);
    }

    [Fact]
    public void AFolderWithoutALogReadsAsEmpty()
    {
        using var folder = new TempFolder();

        RunEventLogContents read = RunEventLog.ReadRunFolder(folder.Path);

        Assert.Empty(read.Events);
        Assert.Equal(0, read.LastSequence);
        Assert.Throws<FileNotFoundException>(() => RunEventLog.Read(Path.Combine(folder.Path, "missing.jsonl")));
    }

    [Fact]
    public void WritingAfterDisposeIsAnError()
    {
        using var folder = new TempFolder();
        var log = new JsonLinesRunObserver(folder.Path);
        log.Dispose();
        log.Dispose(); // twice is fine

        Assert.Throws<ObjectDisposedException>(() => log.OnEvent(SampleEvents.Batch()));
    }
}
