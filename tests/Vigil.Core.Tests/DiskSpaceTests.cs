using System.Data.Common;
using Vigil.Core;

namespace Vigil.Core.Tests;

/// <summary>A full disk is recognised from the exceptions .NET and the stores really throw, and explained in user terms.</summary>
public sealed class DiskSpaceTests
{
    // /dev/full answers every write with ENOSPC: the exception .NET throws for a full disk, without filling one.
    private static IOException WriteToFullDevice()
    {
        using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
        return Assert.ThrowsAny<IOException>(() =>
        {
            stream.Write(new byte[4096]);
            stream.Flush();
        });
    }

    [Fact]
    public void AWriteOnAFullDiskIsRecognisedAndNamesTheFolder()
    {
        var error = WriteToFullDevice();

        Assert.True(DiskSpace.IsFull(error), $"HResult {error.HResult}: {error.Message}");
        string message = DiskSpace.Explain(error);
        Assert.StartsWith("no space left on the disk holding '/dev': free some space there", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFullDiskIsFoundInsideWrappersAndParallelLoops()
    {
        var full = WriteToFullDevice();

        Assert.True(DiskSpace.IsFull(new UserInputException("cannot create the output folder", full)));
        Assert.True(DiskSpace.IsFull(new AggregateException(new InvalidOperationException("other"), full)));
        Assert.Contains("'/dev'", DiskSpace.Explain(new AggregateException(full)), StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteAndPostgresDiskFullAreRecognised()
    {
        Assert.True(DiskSpace.IsFull(new StoreError("SQLite Error 13: 'database or disk is full'.", null)));
        Assert.True(DiskSpace.IsFull(new StoreError("could not extend file", "53100")));
        Assert.StartsWith("no space left on the disk: free some space on it", DiskSpace.Explain(new StoreError("SQLite Error 13: 'database or disk is full'.", null)), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFolderNamedIsTheOneTheUserChoseNotAStagingFolderOrTemporaryFile()
    {
        static IOException Full(string path) => new($"No space left on device : '{path}'", 28);

        Assert.Contains("holding '/data/datasets':", DiskSpace.Explain(Full("/data/datasets/.brain.tmp-0123456789ab/images/000/a.png")), StringComparison.Ordinal);
        Assert.Contains("holding '/runs/b0/supervised/checkpoints':", DiskSpace.Explain(Full("/runs/b0/supervised/checkpoints/.last.ckpt.f00d.tmp")), StringComparison.Ordinal);
        Assert.Contains("holding '/out/heat':", DiskSpace.Explain(Full("/out/heat/a_heatmap.png")), StringComparison.Ordinal);
        Assert.Contains("holding '/':", DiskSpace.Explain(Full("/events.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeExplainsAFullDiskAndPassesOtherMessagesThrough()
    {
        Assert.StartsWith("no space left on the disk holding '/dev'", DiskSpace.Describe(WriteToFullDevice()), StringComparison.Ordinal);
        Assert.Equal("the dataset has no images", DiskSpace.Describe(new InvalidOperationException("the dataset has no images")));
    }

    [Fact]
    public void OtherFailuresAreNotTakenForAFullDisk()
    {
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes("/nonexistent/vigil-disk-space-test"));

        Assert.False(DiskSpace.IsFull(missing));
        Assert.False(DiskSpace.IsFull(new StoreError("SQLite Error 5: 'database is locked'.", null)));
        Assert.False(DiskSpace.IsFull(new AggregateException(new IOException("broken pipe", 32))));
        Assert.Throws<ArgumentException>(() => DiskSpace.Explain(missing));
    }

    private sealed class StoreError(string message, string? sqlState) : DbException(message)
    {
        public override string? SqlState => sqlState;
    }
}
