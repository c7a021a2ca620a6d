using System.Text.Json;

namespace Vigil.Core.Runs;

/// <summary>
/// Reads an <c>events.jsonl</c> written by <see cref="JsonLinesRunObserver"/>, for replay and for resuming the
/// sequence numbers. Tolerant by design: a log is evidence of a run that may have been killed mid-line or written by
/// a newer Vigil, so unreadable lines are counted and skipped, never fatal.
/// </summary>
public static class RunEventLog
{
    /// <summary>Reads every event of the log at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static RunEventLogContents Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var events = new List<RunEvent>();
        int unknown = 0, malformed = 0;
        var firstProblems = new List<string>();
        int lineNumber = 0;
        // Shared read/write: the run may still be appending.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                events.Add(RunEventJson.Deserialize(line));
            }
            catch (JsonException e)
            {
                // A well-formed object whose type this version does not know comes from a newer writer: skip quietly.
                if (RunEventJson.PeekType(line) is { } type && !RunEventJson.KnownTypes.Contains(type))
                {
                    unknown++;
                    continue;
                }
                malformed++;
                if (firstProblems.Count < 5) firstProblems.Add($"line {lineNumber}: {e.Message}");
            }
        }
        return new RunEventLogContents(events, unknown, malformed, firstProblems);
    }

    /// <summary>Reads the log in <paramref name="runFolder"/>, or returns an empty result when the run has none yet.</summary>
    public static RunEventLogContents ReadRunFolder(string runFolder)
    {
        string path = Path.Combine(runFolder, JsonLinesRunObserver.FileName);
        return File.Exists(path) ? Read(path) : new RunEventLogContents([], 0, 0, []);
    }
}

/// <summary>What <see cref="RunEventLog.Read"/> found.</summary>
/// <param name="Events">The readable events, in file order.</param>
/// <param name="UnknownTypeLines">Lines with a <c>type</c> this version does not know (written by a newer Vigil).</param>
/// <param name="MalformedLines">Lines that are not a readable event (typically the last line of a killed process).</param>
/// <param name="Problems">The first few malformed lines, with line number and reason.</param>
public sealed record RunEventLogContents(
    IReadOnlyList<RunEvent> Events, int UnknownTypeLines, int MalformedLines, IReadOnlyList<string> Problems)
{
    /// <summary>The highest sequence number in the log (0 when empty): where a resumed publisher continues.</summary>
    public long LastSequence => Events.Count == 0 ? 0 : Events.Max(e => e.Sequence);
}
