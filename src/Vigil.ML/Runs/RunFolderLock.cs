using System.Globalization;
using Vigil.Core;

namespace Vigil.ML.Runs;

/// <summary>
/// Keeps two trainings from writing one run folder at once: an exclusive OS lock on <c>.vigil-train.lock</c> in the
/// folder, held for the run's life. The OS drops the lock when the process ends however it ends (kill -9 included),
/// so a run that was killed never blocks the next one, as a plain pid file would. The holder's process id is written
/// beside it (<c>.vigil-train.pid</c>) only so that the refusal can name it: a locked file cannot be read by others.
/// Taking the lock also removes the temporary files a killed training left half-written.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string LockFileName = ".vigil-train.lock";

    /// <summary>The file naming the process that holds the lock.</summary>
    public const string OwnerFileName = ".vigil-train.pid";

    private readonly FileStream _lock;
    private readonly string _folder;

    private RunFolderLock(FileStream lockStream, string folder)
    {
        _lock = lockStream;
        _folder = folder;
    }

    /// <summary>Takes the lock on <paramref name="runFolder"/> (which must exist), or refuses at once.</summary>
    /// <exception cref="UserInputException">Another training holds the folder; the message names it and what to do.</exception>
    public static RunFolderLock Acquire(string runFolder)
    {
        string lockPath = Path.Combine(runFolder, LockFileName);
        string ownerPath = Path.Combine(runFolder, OwnerFileName);
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive flock on Unix and a share-mode lock on Windows; both die with the process.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && !DiskSpace.IsFull(e))
        {
            string owner = ReadOwner(ownerPath) is { } pid ? $" (pid {pid})" : "";
            throw new UserInputException(
                $"run folder '{runFolder}' is in use by another vigil train{owner}; wait for it to finish or choose another --output.", e);
        }
        try
        {
            File.WriteAllText(ownerPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the refusal's wording needs this file; the lock itself already holds.
        }
        // Held: no other training writes here, so temporaries from a killed one are garbage now.
        Persistence.AtomicFile.RemoveLeftovers(runFolder);
        return new RunFolderLock(stream, runFolder);
    }

    private static string? ReadOwner(string ownerPath)
    {
        try
        {
            string text = File.ReadAllText(ownerPath).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the owner file and releases the lock.</summary>
    public void Dispose()
    {
        // The lock file stays: deleting it would let a training that opened it just before lock an orphaned file
        // while a third one locks a new file of the same name.
        try { File.Delete(Path.Combine(_folder, OwnerFileName)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _lock.Dispose();
    }
}
