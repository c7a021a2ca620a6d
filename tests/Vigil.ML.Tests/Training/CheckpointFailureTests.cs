using System.IO.Compression;
using System.Text.Json.Nodes;
using Vigil.Core;
using Vigil.ML.Persistence;
using Vigil.ML.Training.Checkpoints;

namespace Vigil.ML.Tests.Training;

/// <summary>A checkpoint that cannot be used is refused with a message naming the file, before anything is half-loaded.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointFailureTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CheckpointStore _store;

    public CheckpointFailureTests()
    {
        _store = new CheckpointStore(_folder.Path);
        using var run = new TinyRun(initSeed: 1);
        run.TrainEpoch();
        _store.Save(run.State(), run.Parts, isBest: false);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void APartlyWrittenFileIsCalledUnreadable()
    {
        byte[] whole = File.ReadAllBytes(_store.LastPath);
        File.WriteAllBytes(_store.LastPath, whole[..(whole.Length / 2)]);

        CheckpointCorruptException e = RestoreFails<CheckpointCorruptException>();
        Assert.Contains(_store.LastPath, e.Message, StringComparison.Ordinal);
        Assert.Contains("unreadable", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<UserInputException>(e);
    }

    [Fact]
    public void AFileThatIsNotACheckpointIsCalledUnreadable()
    {
        File.WriteAllText(_store.LastPath, "this is a text file, not a checkpoint");

        Assert.Contains(_store.LastPath, RestoreFails<CheckpointCorruptException>().Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointCorruptException>(() => Checkpoint.ReadHeader(_store.LastPath));
    }

    [Fact]
    public void AFlippedByteInTheWeightsIsCaughtBeforeLoading()
    {
        byte[] bytes = File.ReadAllBytes(_store.LastPath);
        // The weights are stored uncompressed: find a stretch of them and change one byte.
        int offset = FindEntryData(bytes, "modules/classifier.bin") + 40;
        bytes[offset] ^= 0x5A;
        File.WriteAllBytes(_store.LastPath, bytes);

        using var target = new TinyRun(initSeed: 2);
        Dictionary<string, byte[]> before = target.Snapshot();
        CheckpointCorruptException e = Assert.Throws<CheckpointCorruptException>(() => _store.RestoreLast(TinyRun.Fingerprint(), target.Parts));

        Assert.Contains("modules/classifier.bin", e.Message, StringComparison.Ordinal);
        Assert.Contains(_store.LastPath, e.Message, StringComparison.Ordinal);
        Dictionary<string, byte[]> after = target.Snapshot();
        Assert.All(before, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(after[kv.Key]), $"{kv.Key} was touched"));
    }

    [Fact]
    public void AnotherClassCountIsRefused()
    {
        using var target = new TinyRun(initSeed: 2);
        CheckpointMismatchException e = Assert.Throws<CheckpointMismatchException>(() => _store.RestoreLast(TinyRun.Fingerprint(classes: 4), target.Parts));

        Assert.Contains("3 classes vs 4", e.Message, StringComparison.Ordinal);
        Assert.Contains(_store.LastPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherImageSizeIsRefused()
    {
        using var target = new TinyRun(initSeed: 2);
        CheckpointMismatchException e = Assert.Throws<CheckpointMismatchException>(() => _store.RestoreLast(TinyRun.Fingerprint(imageSize: 16), target.Parts));

        Assert.Contains("image size 8 vs 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADifferentlyBuiltModelIsRefusedByName()
    {
        using var wider = new TinyRun(initSeed: 2, width: 6);
        CheckpointMismatchException e = Assert.Throws<CheckpointMismatchException>(() => _store.RestoreLast(TinyRun.Fingerprint(), wider.Parts));

        Assert.Contains("module 'classifier'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPartsAreRefused()
    {
        using var target = new TinyRun(initSeed: 2);
        var modulesOnly = new CheckpointParts(target.Parts.Modules);

        CheckpointMismatchException e = Assert.Throws<CheckpointMismatchException>(() => _store.RestoreLast(TinyRun.Fingerprint(), modulesOnly));
        Assert.Contains("optimizers [classifier] but this run has []", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpointFromANewerVigilIsRefusedAsSuch()
    {
        using (var archive = ZipFile.Open(_store.LastPath, ZipArchiveMode.Update))
        {
            ZipArchiveEntry entry = archive.GetEntry("header.json")!;
            JsonNode header;
            using (Stream s = entry.Open()) header = JsonNode.Parse(s)!;
            header["format_version"] = Checkpoint.FormatVersion + 1;
            entry.Delete();
            using Stream w = archive.CreateEntry("header.json").Open();
            w.Write(System.Text.Encoding.UTF8.GetBytes(header.ToJsonString()));
        }

        CheckpointException e = RestoreFails<CheckpointException>();
        Assert.IsNotType<CheckpointCorruptException>(e);
        Assert.Contains("newer Vigil", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCheckpointAtAllSaysHowToStartFresh()
    {
        string missing = Path.Combine(_folder.Path, "nope.ckpt");

        CheckpointException e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(missing));
        Assert.Contains("without --resume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        byte[] before = File.ReadAllBytes(_store.LastPath);

        Assert.Throws<IOException>(() => AtomicFile.Write(_store.LastPath, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));

        Assert.Equal(before, File.ReadAllBytes(_store.LastPath));
        Assert.Equal(["last.ckpt"], Directory.GetFiles(_store.Folder).Select(Path.GetFileName));
    }

    private T RestoreFails<T>() where T : Exception
    {
        using var target = new TinyRun(initSeed: 2);
        return Assert.Throws<T>(() => _store.RestoreLast(TinyRun.Fingerprint(), target.Parts));
    }

    /// <summary>The offset of an entry's data, from its local file header (signature, fixed 30 bytes, name, extra).</summary>
    private static int FindEntryData(byte[] zip, string name)
    {
        byte[] nameBytes = System.Text.Encoding.ASCII.GetBytes(name);
        for (int i = 0; i + 30 + nameBytes.Length < zip.Length; i++)
        {
            if (zip[i] != 0x50 || zip[i + 1] != 0x4B || zip[i + 2] != 3 || zip[i + 3] != 4) continue;
            int nameLength = BitConverter.ToUInt16(zip, i + 26), extraLength = BitConverter.ToUInt16(zip, i + 28);
            if (nameLength == nameBytes.Length && zip.AsSpan(i + 30, nameLength).SequenceEqual(nameBytes))
                return i + 30 + nameLength + extraLength;
        }
        throw new InvalidOperationException($"{name} not found in the archive");
    }
}
