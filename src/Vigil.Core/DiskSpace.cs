using System.Data.Common;
using System.Text.RegularExpressions;

namespace Vigil.Core;

/// <summary>
/// Recognises a full disk however it surfaces (a file write, a folder rename, SQLite, an exception wrapped by a
/// parallel loop) and says so in user terms, so that every verb reports it the same way from one place.
/// </summary>
public static partial class DiskSpace
{
    // ENOSPC on Linux and macOS is 28, and .NET puts the errno in IOException.HResult there; Windows reports
    // ERROR_DISK_FULL (0x70) or ERROR_HANDLE_DISK_FULL (0x27) as HRESULTs. EDQUOT (122 on Linux, 69 on macOS): a quota
    // full is the same problem to the user.
    private static readonly HashSet<int> FullCodes = [28, 122, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    /// <summary>Whether <paramref name="error"/>, or an exception it wraps, says the disk (or the user's quota) is full.</summary>
    public static bool IsFull(Exception error) => FindFull(error) is not null;

    /// <summary>
    /// The one-line message for a full disk, naming the folder whose disk is full when the error tells which:
    /// "no space left on the disk holding '/data/runs/x': free some space there…".
    /// </summary>
    /// <param name="error">The failure.</param>
    /// <param name="retry">What the user does once space is freed (a server says "send the request again").</param>
    /// <exception cref="ArgumentException"><paramref name="error"/> is not about a full disk (see <see cref="IsFull"/>).</exception>
    public static string Explain(Exception error, string retry = "run the command again")
    {
        var full = FindFull(error) ?? throw new ArgumentException("not a disk-full error", nameof(error));
        var (where, there) = QuotedPath(full.Message) is { } path ? ($" holding '{VisibleFolder(path)}'", "there") : ("", "on it");
        return $"no space left on the disk{where}: free some space {there} and {retry}, or write to another disk; " +
               "what was complete before is kept.";
    }

    /// <summary>What to tell the user about <paramref name="error"/>: <see cref="Explain"/> for a full disk, else the error's own message.</summary>
    public static string Describe(Exception error) => IsFull(error) ? Explain(error) : error.Message;

    private static Exception? FindFull(Exception? error)
    {
        for (int depth = 0; error is not null && depth < 16; depth++)
        {
            if (error is AggregateException aggregate)
                return aggregate.InnerExceptions.Select(FindFull).FirstOrDefault(e => e is not null);
            if (error is IOException && FullCodes.Contains(error.HResult)) return error;
            // SQLite reports SQLITE_FULL as "database or disk is full"; PostgreSQL's disk_full is SQLSTATE 53100.
            if (error is DbException db && (db.SqlState == "53100" || db.Message.Contains("disk is full", StringComparison.OrdinalIgnoreCase)))
                return error;
            error = error.InnerException;
        }
        return null;
    }

    // .NET's I/O messages end with the path in quotes: "No space left on device : '/data/runs/x/.last.ckpt.tmp'";
    // SQLite's quote its own words ("'database or disk is full'"), which are no path.
    private static string? QuotedPath(string message) =>
        PathInMessage().Match(message) is { Success: true } m && Path.IsPathFullyQualified(m.Groups[1].Value) ? m.Groups[1].Value : null;

    // The folder the user chose, not the file being written: the parent of the first hidden part of the path (a
    // staging folder, a temporary file), else the file's own folder.
    private static string VisibleFolder(string path)
    {
        var parts = Path.TrimEndingDirectorySeparator(path).Split(Path.DirectorySeparatorChar);
        int hidden = Array.FindIndex(parts, 1, p => p.StartsWith('.'));
        int keep = hidden > 0 ? hidden : parts.Length - 1;
        return keep > 1 ? string.Join(Path.DirectorySeparatorChar, parts[..keep]) : Path.GetPathRoot(path) ?? path;
    }

    [GeneratedRegex(@"'([^']+)'\s*\.?\s*$")]
    private static partial Regex PathInMessage();
}
