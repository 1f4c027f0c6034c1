using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReSTEM.Host.Logging;

/// <summary>
/// The process's logging (Microsoft.Extensions.Logging): every line goes to standard error from
/// <see cref="ConsoleMinimum"/> up and, during a run, to the run folder's <c>restem.log</c> from
/// Information up, in one <see cref="LogFormat"/>. SIGHUP reopens the log file (log rotation).
/// The same provider serves the commands' own loggers, the generic host and the actor system.
/// </summary>
public sealed class Logs : IDisposable
{
    /// <summary>The log file's name in a run folder.</summary>
    public const string FileName = "restem.log";

    private readonly LineLoggerProvider _provider;
    private readonly ILoggerFactory _factory;
    private readonly LogSink _console;
    private LogSink? _file;
    private PosixSignalRegistration? _hangup;

    /// <summary>Creates the logging of a command; <paramref name="verbose"/> also prints informational lines of the libraries.</summary>
    public Logs(LogFormat format, bool verbose, TextWriter? console = null)
    {
        Format = format;
        // Text mode keeps standard error for the progress display: only warnings and errors are
        // logged there. JSON mode is for machines: every line is a log entry.
        ConsoleMinimum = format == LogFormat.Json || verbose ? LogLevel.Information : LogLevel.Warning;
        _console = LogSink.ForWriter(console ?? System.Console.Error, ConsoleMinimum);
        _provider = new LineLoggerProvider(this);
        _factory = LoggerFactory.Create(builder => builder.AddProvider(_provider).SetMinimumLevel(LogLevel.Information));
    }

    /// <summary>The format of every line.</summary>
    public LogFormat Format { get; }

    /// <summary>The lowest level written to standard error.</summary>
    public LogLevel ConsoleMinimum { get; }

    /// <summary>The run's fields that each line carries.</summary>
    public RunLogContext Context { get; } = new();

    /// <summary>The open log file, if any.</summary>
    public string? FilePath => _file?.Path;

    /// <summary>A logger of <paramref name="category"/>.</summary>
    public ILogger Create(string category) => _factory.CreateLogger(category);

    /// <summary>
    /// A line meant for the person at the terminal (what a command is doing, where it wrote):
    /// printed as it is in text mode, an Information entry of <paramref name="category"/> in JSON
    /// mode; the log file gets it as an entry either way.
    /// </summary>
    public void Notice(string category, string message)
    {
        if (Format == LogFormat.Json)
        {
            Write(LogLevel.Information, category, message, null);
            return;
        }
        _console.Write(message);
        if (_file is { } file) file.Write(LogLine.Format(Format, DateTimeOffset.UtcNow, LogLevel.Information, category, message, Context.Current, null));
    }

    /// <summary>Makes <paramref name="services"/> (a generic host's) log through these sinks.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddLogging(builder => builder.ClearProviders().AddProvider(_provider).SetMinimumLevel(LogLevel.Information));

    /// <summary>Also writes every line from Information up to <paramref name="path"/> (appending); SIGHUP reopens it.</summary>
    public void OpenFile(string path)
    {
        _file?.Dispose();
        _file = LogSink.ForFile(path, LogLevel.Information);
        _hangup ??= PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            ReopenFile();
        });
    }

    /// <summary>Closes and reopens the log file by name, so that a rotated (renamed) file is let go.</summary>
    public void ReopenFile() => _file?.Reopen();

    /// <inheritdoc />
    public void Dispose()
    {
        _hangup?.Dispose();
        _factory.Dispose();
        _file?.Dispose();
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var console = level >= _console.Minimum;
        var file = _file is { } f && level >= f.Minimum;
        if (!console && !file) return;
        var line = LogLine.Format(Format, DateTimeOffset.UtcNow, level, category, message, Context.Current, exception);
        // In text mode the terminal keeps its short form ("warning: ..."); the file gets whole entries.
        if (console) _console.Write(Format == LogFormat.Json ? line : $"{LogLine.LevelName(level)}: {message}" + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
        if (file) _file?.Write(line);
    }

    /// <summary>The provider behind every logger; owned by <see cref="Logs"/>, so hosts that dispose their providers leave it open.</summary>
    private sealed class LineLoggerProvider(Logs logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(logs, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class LineLogger(Logs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            logs.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
