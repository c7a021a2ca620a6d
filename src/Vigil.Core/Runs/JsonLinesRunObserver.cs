using System.Text;

namespace Vigil.Core.Runs;

/// <summary>
/// Appends every event to <c>&lt;run&gt;/events.jsonl</c>, one JSON object per line (see <see cref="RunEventJson"/>),
/// so a run can be replayed into the monitor later or inspected with <c>jq</c>. Batch events are buffered; every
/// other event flushes the file to the operating system (so at least once per epoch), and a terminal status also
/// forces it to disk. A resumed run appends to the same file. Thread-safe.
/// </summary>
public sealed class JsonLinesRunObserver : IRunObserver, IDisposable
{
    /// <summary>The log's file name inside the run folder.</summary>
    public const string FileName = "events.jsonl";

    private readonly object _gate = new();
    private readonly FileStream _stream;
    private readonly StreamWriter _writer;
    private bool _disposed;

    /// <summary>Opens (or creates) <c>events.jsonl</c> in <paramref name="runFolder"/>, creating the folder if needed.</summary>
    public JsonLinesRunObserver(string runFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        Directory.CreateDirectory(runFolder);
        Path = System.IO.Path.Combine(runFolder, FileName);
        // Readers (the monitor tailing the file, jq) may open it while the run writes.
        _stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        bool needsNewLine = EndsWithoutNewLine(_stream);
        _stream.Seek(0, SeekOrigin.End);
        _writer = new StreamWriter(_stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        // A process killed mid-write leaves half a line; start on a fresh one so only that fragment is unreadable.
        if (needsNewLine) _writer.Write('\n');
    }

    /// <summary>The log file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Description => $"the events log {Path}";

    /// <inheritdoc />
    public void OnEvent(RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        string line = RunEventJson.Serialize(runEvent);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.Write(line);
            _writer.Write('\n');
            if (runEvent is BatchCompleted) return;
            _writer.Flush();
            if (runEvent is RunStatusChanged { Status: var status } && status.IsTerminal())
                _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Writes buffered events and forces the file to disk.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.Flush();
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Flushes to disk and closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            try
            {
                _writer.Flush();
                _stream.Flush(flushToDisk: true);
            }
            finally
            {
                _writer.Dispose();
            }
        }
    }

    private static bool EndsWithoutNewLine(FileStream stream)
    {
        if (stream.Length == 0) return false;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
    }
}
