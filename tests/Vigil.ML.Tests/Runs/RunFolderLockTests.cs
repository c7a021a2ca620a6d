using System.Diagnostics;
using Vigil.Core;
using Vigil.ML.Runs;

namespace Vigil.ML.Tests.Runs;

/// <summary>One training per run folder: a second is refused at once with a message naming the holder, and a holder that was killed never blocks.</summary>
public sealed class RunFolderLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ASecondTrainingIntoTheSameFolderIsRefusedWithTheHoldersPid()
    {
        using var first = RunFolderLock.Acquire(_folder.Path);

        var e = Assert.ThrowsAny<UserInputException>(() => RunFolderLock.Acquire(_folder.Path));

        Assert.Contains($"run folder '{_folder.Path}' is in use by another vigil train (pid {Environment.ProcessId})", e.Message, StringComparison.Ordinal);
        Assert.Contains("choose another --output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFolderIsFreeAgainOnceTheRunEnds()
    {
        RunFolderLock.Acquire(_folder.Path).Dispose();

        using var second = RunFolderLock.Acquire(_folder.Path);

        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(_folder.Path, RunFolderLock.OwnerFileName)));
    }

    [Fact]
    public void TakingTheLockRemovesTemporariesAKilledTrainingLeftAndNothingElse()
    {
        string checkpoints = Directory.CreateDirectory(Path.Combine(_folder.Path, "supervised", "checkpoints")).FullName;
        string leftover = Path.Combine(checkpoints, $".last.ckpt.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(leftover, "half a checkpoint");
        string[] kept = [Path.Combine(checkpoints, "last.ckpt"), Path.Combine(checkpoints, ".notes.tmp"), Path.Combine(_folder.Path, "user.tmp")];
        foreach (string file in kept) File.WriteAllText(file, "keep");

        using var held = RunFolderLock.Acquire(_folder.Path);

        Assert.False(File.Exists(leftover));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
    }

    [Fact]
    public void ALockHeldByAnotherProcessBlocksUntilThatProcessIsKilled()
    {
        // flock(1) takes the same OS lock in another process, then reports it holds it and waits to be killed. With -o
        // only flock itself holds the lock (not the shell it starts), so its own death is what must free the folder.
        var start = new ProcessStartInfo("flock") { RedirectStandardOutput = true, ArgumentList = { "-o", Path.Combine(_folder.Path, RunFolderLock.LockFileName), "-c", "echo held; exec sleep 300" } };
        using (var holder = Process.Start(start)!)
        {
            Assert.Equal("held", holder.StandardOutput.ReadLine());
            var e = Assert.ThrowsAny<UserInputException>(() => RunFolderLock.Acquire(_folder.Path));
            Assert.Contains("is in use by another vigil train", e.Message, StringComparison.Ordinal);

            holder.Kill(entireProcessTree: true); // SIGKILL: the process never gets to release anything itself
            holder.WaitForExit();
        }

        using var after = RunFolderLock.Acquire(_folder.Path);
        Assert.True(File.Exists(Path.Combine(_folder.Path, RunFolderLock.OwnerFileName)));
    }
}
