using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Vigil.Server.Logging;

/// <summary>
/// Writes log lines to <c>monitoring.log</c> (general), <c>websocket.log</c> (connections, drops) and
/// <c>metrics.log</c> (ingested series), chosen by category, each rotated by size: at <c>maxBytes</c> the file becomes
/// <c>.1</c>, <c>.1</c> becomes <c>.2</c>… and the oldest beyond <c>keep</c> is deleted.
/// </summary>
public sealed class RotatingFileLoggerProvider : ILoggerProvider
{
    /// <summary>Categories starting with this go to <c>websocket.log</c>.</summary>
    public const string WebSocketCategory = "Vigil.Server.WebSocket";

    /// <summary>Categories starting with this go to <c>metrics.log</c>.</summary>
    public const string MetricsCategory = "Vigil.Server.Metrics";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly int _keep;
    private readonly LogLevel _minimum;
    private readonly ConcurrentDictionary<string, RotatingFile> _files = new(StringComparer.Ordinal);

    /// <summary>Creates the provider; files are created in <paramref name="directory"/> on first use.</summary>
    public RotatingFileLoggerProvider(string directory, LogLevel minimum = LogLevel.Information, long maxBytes = 10 << 20, int keep = 5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory.CreateDirectory(directory);
        _directory = directory;
        _maxBytes = maxBytes;
        _keep = keep;
        _minimum = minimum;
    }

    /// <summary>The file a category's lines go to.</summary>
    public static string FileFor(string category) =>
        category.StartsWith(WebSocketCategory, StringComparison.Ordinal) ? "websocket.log"
        : category.StartsWith(MetricsCategory, StringComparison.Ordinal) ? "metrics.log"
        : "monitoring.log";

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        RotatingFile file = _files.GetOrAdd(FileFor(categoryName), name => new RotatingFile(Path.Combine(_directory, name), _maxBytes, _keep));
        return new FileLogger(categoryName, file, _minimum);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (RotatingFile file in _files.Values) file.Dispose();
    }

    private sealed class FileLogger(string category, RotatingFile file, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = new StringBuilder(128)
                .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ')
                .Append(Level(logLevel)).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (exception is not null) line.Append(" | ").Append(exception.GetType().Name).Append(": ").Append(exception.Message);
            file.Write(line.Append('\n').ToString());
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "TRACE", LogLevel.Debug => "DEBUG", LogLevel.Information => "INFO",
            LogLevel.Warning => "WARN", LogLevel.Error => "ERROR", _ => "CRIT",
        };
    }

    private sealed class RotatingFile(string path, long maxBytes, int keep) : IDisposable
    {
        private readonly object _gate = new();
        private StreamWriter? _writer;
        private long _length = -1;

        public void Write(string text)
        {
            lock (_gate)
            {
                try
                {
                    if (_writer is null)
                    {
                        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                        _length = stream.Length;
                        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
                    }
                    _writer.Write(text);
                    _length += Encoding.UTF8.GetByteCount(text);
                    if (_length >= maxBytes) Rotate();
                }
                catch (IOException)
                {
                    // A full disk or a removed folder must not take the server down; the line is lost.
                    _writer?.Dispose();
                    _writer = null;
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _writer?.Dispose();
                _writer = null;
            }
        }

        private void Rotate()
        {
            _writer!.Dispose();
            _writer = null;
            File.Delete($"{path}.{keep}");
            for (int i = keep - 1; i >= 1; i--)
                if (File.Exists($"{path}.{i}")) File.Move($"{path}.{i}", $"{path}.{i + 1}");
            File.Move(path, $"{path}.1");
        }
    }
}
