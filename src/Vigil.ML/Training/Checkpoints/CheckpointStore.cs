using Vigil.ML.Persistence;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// A run's checkpoints: <c>&lt;run&gt;/checkpoints/last.ckpt</c> after every epoch, and <c>best.ckpt</c> when the
/// monitored metric improved. Each file is replaced atomically, so a crash at any moment leaves the previous
/// complete version in place.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>The sub-folder of the run folder.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>The latest epoch's checkpoint.</summary>
    public const string LastFileName = "last.ckpt";

    /// <summary>The best epoch's checkpoint.</summary>
    public const string BestFileName = "best.ckpt";

    /// <summary>Uses <c>&lt;runFolder&gt;/checkpoints</c> (created on the first save).</summary>
    public CheckpointStore(string runFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        Folder = Path.Combine(Path.GetFullPath(runFolder), FolderName);
    }

    /// <summary>The checkpoints folder.</summary>
    public string Folder { get; }

    /// <summary>Path of <c>last.ckpt</c>.</summary>
    public string LastPath => Path.Combine(Folder, LastFileName);

    /// <summary>Path of <c>best.ckpt</c>.</summary>
    public string BestPath => Path.Combine(Folder, BestFileName);

    /// <summary>Whether there is a <c>last.ckpt</c> to resume from.</summary>
    public bool HasLast => File.Exists(LastPath);

    /// <summary>Writes <c>last.ckpt</c>, and <c>best.ckpt</c> too when <paramref name="isBest"/> (as an atomic copy of it).</summary>
    public CheckpointSaveResult Save(CheckpointState state, CheckpointParts parts, bool isBest)
    {
        CheckpointHeader header = Checkpoint.Save(LastPath, state, parts);
        long lastBytes = new FileInfo(LastPath).Length;
        long? bestBytes = isBest ? AtomicFile.Copy(LastPath, BestPath) : null;
        return new CheckpointSaveResult(header, LastPath, lastBytes, isBest ? BestPath : null, bestBytes);
    }

    /// <summary>Restores from <c>last.ckpt</c> (see <see cref="Checkpoint.Restore"/>).</summary>
    public CheckpointState RestoreLast(CheckpointFingerprint expected, CheckpointParts parts) =>
        Checkpoint.Restore(LastPath, expected, parts);
}

/// <summary>What <see cref="CheckpointStore.Save"/> wrote (the trainer turns it into <c>CheckpointSaved</c> events).</summary>
/// <param name="Header">The header written.</param>
/// <param name="LastPath">The <c>last.ckpt</c> path.</param>
/// <param name="LastBytes">Its size.</param>
/// <param name="BestPath">The <c>best.ckpt</c> path, when written.</param>
/// <param name="BestBytes">Its size, when written.</param>
public sealed record CheckpointSaveResult(CheckpointHeader Header, string LastPath, long LastBytes, string? BestPath, long? BestBytes);
