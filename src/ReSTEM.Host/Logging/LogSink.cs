using System.Text;
using Microsoft.Extensions.Logging;

namespace ReSTEM.Host.Logging;

/// <summary>
/// One destination of log lines (standard error, or a log file) with its own lowest level.
/// A file sink can be reopened: after a rotation tool renamed the file, the next lines go to a
/// new file of the same name.
/// </summary>
public sealed class LogSink : IDisposable
{
    private readonly Lock _lock = new();
    private readonly string? _path;
    private TextWriter _writer;

    private LogSink(TextWriter writer, string? path, LogLevel minimum)
    {
        _writer = writer;
        _path = path;
        Minimum = minimum;
    }

    /// <summary>The lowest level written.</summary>
    public LogLevel Minimum { get; }

    /// <summary>The file written, or null for a stream the process does not own.</summary>
    public string? Path => _path;

    /// <summary>A sink writing to <paramref name="writer"/> (not closed by this sink).</summary>
    public static LogSink ForWriter(TextWriter writer, LogLevel minimum) => new(writer, null, minimum);

    /// <summary>A sink appending to the file <paramref name="path"/>.</summary>
    public static LogSink ForFile(string path, LogLevel minimum) => new(OpenAppend(path), path, minimum);

    /// <summary>Writes one line (thread-safe), flushed at once so a killed process loses nothing written.</summary>
    public void Write(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>Closes the file and opens it again by name (log rotation); nothing for a stream sink.</summary>
    public void Reopen()
    {
        if (_path is null) return;
        lock (_lock)
        {
            _writer.Dispose();
            _writer = OpenAppend(_path);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_path is null) return;
        lock (_lock) _writer.Dispose();
    }

    private static StreamWriter OpenAppend(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false));
}
