namespace Vigil.Datasets.Manifest;

/// <summary>
/// Makes writing a dataset all-or-nothing. Everything is written into a hidden staging folder beside the dataset
/// (<c>&lt;output&gt;/.&lt;name&gt;.tmp-&lt;random&gt;</c>); <see cref="Commit"/> then swaps it in with renames (old dataset
/// renamed away, new one renamed in, old one deleted). A lock file keeps two runs from writing the same dataset at once;
/// leftovers of a killed run are cleaned (or, for a dataset caught between the two renames, restored) on the next run.
/// </summary>
internal sealed class DatasetFolderTransaction : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _lockPath;
    private bool _committed;

    private DatasetFolderTransaction(string outputRoot, string name, FileStream lockStream, string lockPath)
    {
        _lock = lockStream;
        _lockPath = lockPath;
        FinalPath = Path.Combine(outputRoot, name);
        StagingPath = Path.Combine(outputRoot, $".{name}.tmp-{RandomSuffix()}");
        Directory.CreateDirectory(StagingPath);
    }

    /// <summary>Where the dataset will be once committed.</summary>
    public string FinalPath { get; }
    /// <summary>The hidden folder being written.</summary>
    public string StagingPath { get; }

    /// <summary>Locks the dataset name, cleans leftovers of interrupted runs and creates the staging folder.</summary>
    /// <exception cref="DatasetInputException">Another run is writing the same dataset, or the output folder cannot be written.</exception>
    public static DatasetFolderTransaction Begin(string outputRoot, string name)
    {
        try
        {
            Directory.CreateDirectory(outputRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetInputException($"cannot create the output folder '{outputRoot}': {e.Message}; choose another --output.", e);
        }
        var lockPath = Path.Combine(outputRoot, $".{name}.lock");
        FileStream lockStream;
        try
        {
            // FileShare.None takes an exclusive lock the OS drops when the process dies, so a killed run never blocks the next.
            lockStream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DatasetInputException($"cannot write in the output folder '{outputRoot}': {e.Message}; choose another --output.", e);
        }
        catch (IOException e)
        {
            throw new DatasetInputException($"another 'vigil organize' is writing dataset '{name}' in '{outputRoot}'; wait for it to finish or use another --name.", e);
        }
        try
        {
            RecoverLeftovers(outputRoot, name);
            return new DatasetFolderTransaction(outputRoot, name, lockStream, lockPath);
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    private static void RecoverLeftovers(string outputRoot, string name)
    {
        var final = Path.Combine(outputRoot, name);
        var old = Leftovers(outputRoot, name, "old");
        Array.Sort(old, StringComparer.Ordinal);
        // Killed between "rename old away" and "rename new in": the previous dataset is the one to keep.
        if (!Directory.Exists(final) && old.Length > 0)
        {
            Directory.Move(old[0], final);
            old = old[1..];
        }
        foreach (var dir in old) TryDelete(dir);
        foreach (var dir in Leftovers(outputRoot, name, "tmp")) TryDelete(dir);
    }

    // Exactly ".<name>.<kind>-<12 hex>": a wildcard alone would also match the folders of a dataset named "<name>.old-x".
    private static string[] Leftovers(string outputRoot, string name, string kind)
    {
        var prefix = $".{name}.{kind}-";
        return Directory.GetDirectories(outputRoot, prefix + "*")
            .Where(dir =>
            {
                var suffix = Path.GetFileName(dir).AsSpan(prefix.Length);
                return suffix.Length == 12 && !suffix.ContainsAnyExcept("0123456789abcdef");
            })
            .ToArray();
    }

    /// <summary>True when a dataset of this name exists now.</summary>
    public bool Exists => Directory.Exists(FinalPath);

    /// <summary>Swaps the staging folder in place of the dataset; returns true when an older dataset was replaced.</summary>
    public bool Commit()
    {
        bool replaced = false;
        string? old = null;
        if (Directory.Exists(FinalPath))
        {
            old = Path.Combine(Path.GetDirectoryName(FinalPath)!, $".{Path.GetFileName(FinalPath)}.old-{RandomSuffix()}");
            Directory.Move(FinalPath, old);
            replaced = true;
        }
        try
        {
            Directory.Move(StagingPath, FinalPath);
        }
        catch when (old is not null)
        {
            Directory.Move(old, FinalPath); // put the previous dataset back
            throw;
        }
        _committed = true;
        if (old is not null) TryDelete(old);
        return replaced;
    }

    /// <summary>Deletes the staging folder unless committed, and releases the lock.</summary>
    public void Dispose()
    {
        if (!_committed) TryDelete(StagingPath);
        // Delete while still holding the lock: a run waiting for it then creates a fresh one.
        try { File.Delete(_lockPath); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _lock.Dispose();
    }

    private static string RandomSuffix() => Guid.NewGuid().ToString("N")[..12];

    // Datasets from containers hold tens of thousands of PNGs: files are deleted folder by folder on every core
    // (file deletion is kernel work that scales with threads), then the empty tree goes at once.
    private static void TryDelete(string dir)
    {
        try
        {
            if (!Directory.Exists(dir)) return;
            var folders = Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).Append(dir).ToArray();
            Parallel.ForEach(folders, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, folder =>
            {
                foreach (var file in Directory.EnumerateFiles(folder)) File.Delete(file);
            });
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AggregateException) { }
    }
}
