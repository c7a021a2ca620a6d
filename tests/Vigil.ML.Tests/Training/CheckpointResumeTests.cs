using TorchSharp;
using Vigil.ML.Persistence;
using Vigil.ML.Training.Checkpoints;

namespace Vigil.ML.Tests.Training;

/// <summary>The promise of a checkpoint: stopping after an epoch and resuming gives the very same model as not stopping.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointResumeTests
{
    [Fact]
    public void OneEpochSaveLoadOneEpochEqualsTwoEpochsBitForBit()
    {
        using var folder = new TempFolder();
        Dictionary<string, byte[]> straight;
        double? straightLoss;
        using (var run = new TinyRun(initSeed: 7))
        {
            run.TrainEpoch();
            straightLoss = run.TrainEpoch();
            straight = run.Snapshot();
        }

        var store = new CheckpointStore(folder.Path);
        using (var first = new TinyRun(initSeed: 7))
        {
            first.TrainEpoch();
            store.Save(first.State(), first.Parts, isBest: true);
        }
        // Disturb everything the checkpoint must restore: the global random stream, and fresh objects with other weights.
        torch.manual_seed(999);
        using var resumed = new TinyRun(initSeed: 123);
        CheckpointState state = store.RestoreLast(TinyRun.Fingerprint(), resumed.Parts);
        resumed.Continue(state);
        double? resumedLoss = resumed.TrainEpoch();

        Assert.Equal(1, state.Epoch);
        Assert.Equal(TinyRun.BatchesPerEpoch, state.GlobalStep);
        Dictionary<string, byte[]> after = resumed.Snapshot();
        Assert.Equal(straight.Keys.Order(), after.Keys.Order());
        Assert.Contains("bn.running_mean", after.Keys);
        Assert.Contains("bn.num_batches_tracked", after.Keys);
        foreach ((string name, byte[] bytes) in straight)
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs after resuming");
        Assert.Equal(straightLoss, resumedLoss);
        Assert.Equal(2 * TinyRun.BatchesPerEpoch, resumed.Schedule.Step);
    }

    [Fact]
    public void AStopInTheMiddleOfAnEpochResumesExactly()
    {
        using var folder = new TempFolder();
        Dictionary<string, byte[]> straight;
        using (var run = new TinyRun(initSeed: 7))
        {
            run.TrainEpoch();
            run.TrainEpoch();
            straight = run.Snapshot();
        }
        var store = new CheckpointStore(folder.Path);
        using (var first = new TinyRun(initSeed: 7))
        {
            first.TrainEpoch();
            Assert.Null(first.TrainEpoch(stopAfterBatches: 1)); // Stop pressed during the second epoch
            store.Save(first.State(), first.Parts, isBest: false);
        }

        torch.manual_seed(999);
        using var resumed = new TinyRun(initSeed: 123);
        CheckpointState state = store.RestoreLast(TinyRun.Fingerprint(), resumed.Parts);
        resumed.Continue(state);
        resumed.TrainEpoch();

        Assert.Equal((1, 1, TinyRun.BatchesPerEpoch + 1L), (state.Epoch, state.BatchesDoneInEpoch, state.GlobalStep));
        Dictionary<string, byte[]> after = resumed.Snapshot();
        foreach ((string name, byte[] bytes) in straight)
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs after resuming mid-epoch");
    }

    [Fact]
    public void WithoutTheRandomStateTheResumedRunWouldDrift()
    {
        // Guards the test above: dropout really consumes libtorch's random stream, so restoring it is what matters.
        using var folder = new TempFolder();
        Dictionary<string, byte[]> straight;
        using (var run = new TinyRun(initSeed: 7))
        {
            run.TrainEpoch();
            run.TrainEpoch();
            straight = run.Snapshot();
        }
        var store = new CheckpointStore(folder.Path);
        using (var first = new TinyRun(initSeed: 7))
        {
            first.TrainEpoch();
            store.Save(first.State(), first.Parts, isBest: false);
        }

        using var resumed = new TinyRun(initSeed: 123);
        CheckpointParts withoutRng = new(resumed.Parts.Modules, resumed.Parts.Optimizers) { IncludeTorchRng = false };
        resumed.Continue(store.RestoreLast(TinyRun.Fingerprint(), withoutRng));
        torch.manual_seed(999);
        resumed.TrainEpoch();

        Dictionary<string, byte[]> after = resumed.Snapshot();
        Assert.Contains(straight, kv => !kv.Value.AsSpan().SequenceEqual(after[kv.Key]));
    }

    [Fact]
    public void RestoringKeepsTheParameterObjectsTheOptimizerDrives()
    {
        // A resuming trainer builds its optimizer before restoring; the restore must fill those very tensors.
        using var folder = new TempFolder();
        var store = new CheckpointStore(folder.Path);
        using (var saved = new TinyRun(initSeed: 7))
        {
            saved.TrainEpoch();
            store.Save(saved.State(), saved.Parts, isBest: false);
        }
        using var target = new TinyRun(initSeed: 8);
        IntPtr[] before = target.Model.parameters().Select(p => p.Handle).ToArray();
        Dictionary<string, byte[]> initial = target.Snapshot();

        store.RestoreLast(TinyRun.Fingerprint(), target.Parts);

        Assert.Equal(before, target.Model.parameters().Select(p => p.Handle));
        Assert.Equal(before, target.Optimizer.parameters().Select(p => p.Handle));
        Assert.False(initial["head.weight"].AsSpan().SequenceEqual(target.Snapshot()["head.weight"]));
    }

    [Fact]
    public void StateSurvivesTheHeader()
    {
        using var folder = new TempFolder();
        using var run = new TinyRun(initSeed: 3);
        run.TrainEpoch();
        run.TrainEpoch();
        var store = new CheckpointStore(folder.Path);

        CheckpointSaveResult saved = store.Save(run.State(), run.Parts, isBest: false);
        CheckpointHeader header = Checkpoint.ReadHeader(store.LastPath);

        Assert.Null(saved.BestPath);
        Assert.False(File.Exists(store.BestPath));
        Assert.Equal(new FileInfo(store.LastPath).Length, saved.LastBytes);
        Assert.Equal(Checkpoint.FormatVersion, header.FormatVersion);
        Assert.Equal(2, header.State.Epoch);
        Assert.Equal(run.Schedule.State, header.State.Schedule);
        Assert.Equal(run.Stopping.State, header.State.EarlyStopping);
        Assert.Equal(run.Stopping.Best, header.State.Best!.Value);
        Assert.Equal(TinyRun.DataSeed, header.State.DataState["seed"]);
        Assert.Equal(["classifier", "classifier", "torch_cpu"], header.Entries.Select(e => e.Name));
        Assert.Equal([ArchiveEntryKind.Module, ArchiveEntryKind.Optimizer, ArchiveEntryKind.Rng], header.Entries.Select(e => e.Kind));
        Assert.All(header.Entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Sha256));
        // Nothing but the two names we expect: temporary files are renamed away or deleted.
        Assert.Equal(["last.ckpt"], Directory.GetFiles(store.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void BestIsACopyOfLastWhenTheEpochImproved()
    {
        using var folder = new TempFolder();
        using var run = new TinyRun(initSeed: 3);
        run.TrainEpoch();
        var store = new CheckpointStore(folder.Path);

        CheckpointSaveResult saved = store.Save(run.State(), run.Parts, isBest: true);

        Assert.Equal(store.BestPath, saved.BestPath);
        Assert.Equal(File.ReadAllBytes(store.LastPath), File.ReadAllBytes(store.BestPath));
        Assert.Equal(1, Checkpoint.ReadHeader(store.BestPath).State.Epoch);
    }
}
