using System.Runtime.InteropServices;

namespace Vigil.ML.Persistence;

/// <summary>
/// Writes a file so that readers (and a machine that loses power) see either the old file or the complete new one,
/// never a mix: write a temporary file beside it, fsync it, rename it over the target (atomic on one file system),
/// then fsync the folder so the rename itself is durable.
/// </summary>
internal static class AtomicFile
{
    private const string TempSuffix = ".tmp";

    /// <summary>
    /// Deletes the temporary files a killed writer left under <paramref name="folder"/> (".name.&lt;32 hex&gt;.tmp").
    /// Only for a folder this process owns (a run folder under its lock): another writer's temporary is in use.
    /// Returns how many were removed.
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, "." + "*" + TempSuffix, SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            string[] parts = name[1..^TempSuffix.Length].Split('.');
            bool ours = parts.Length >= 2 && parts[^1].Length == 32 && parts[^1].All(Uri.IsHexDigit);
            if (ours && TryDelete(file)) removed++;
        }
        return removed;
    }

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; returns the file's size.</summary>
    public static long Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{path} has no folder", nameof(path));
        Directory.CreateDirectory(folder);
        // Same folder as the target: a rename across file systems would be a copy, and not atomic.
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            long length;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
                length = stream.Length;
            }
            File.Move(temp, full, overwrite: true);
            SyncFolder(folder);
            return length;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> with the same guarantee.</summary>
    public static long Copy(string source, string destination) =>
        Write(destination, target =>
        {
            using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read);
            input.CopyTo(target);
        });

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException) { } // the original error matters more than a leftover temporary file
        catch (UnauthorizedAccessException) { }
        return false;
    }

    /// <summary>fsync on the folder, where the OS allows it (Linux, macOS); .NET has no API for it.</summary>
    private static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the data itself is already on disk
        try { _ = fsync(fd); }
        finally { _ = close(fd); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}
