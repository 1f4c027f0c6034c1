using System.Globalization;
using Microsoft.Extensions.Logging;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Host.Logging;

/// <summary>
/// A run's progress and results as log entries (category <c>restem.run</c>); also keeps the
/// iteration and phase that every log line carries. Progress inside a phase is logged at most
/// every <see cref="ProgressInterval"/>, and always when a phase completes.
/// </summary>
public sealed class LoggingObserver : IRunObserver
{
    /// <summary>The shortest time between two progress lines of a phase.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private readonly Logs _logs;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly bool _warningsAsEntries;
    private DateTime _lastProgress = DateTime.MinValue;

    /// <summary>
    /// Creates an observer logging through <paramref name="logs"/>. With <paramref name="warningsAsEntries"/>,
    /// a message starting "warning: " is a Warning entry (seen on the terminal); without, it stays
    /// Information (for when a console display beside this observer already shows it).
    /// </summary>
    public LoggingObserver(Logs logs, bool warningsAsEntries)
    {
        _logs = logs;
        _warningsAsEntries = warningsAsEntries;
        _log = logs.Create("restem.run");
    }

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail)
    {
        _logs.Context.SetPhase(iteration, phase);
        _log.Info($"{phase}: {detail}");
    }

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            if (!(total > 0 && done >= total) && now - _lastProgress < ProgressInterval) return;
            _lastProgress = now;
        }
        var counts = total > 0 ? $"{done}/{total} ({(100.0 * done / total).ToString("F0", CultureInfo.InvariantCulture)}%) " : "";
        _log.Info($"{phase}: {counts}{status}");
    }

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) =>
        _log.Info($"iteration {iteration} evaluated: " + string.Join(", ", metrics.Where(kv => !kv.Key.Contains('/'))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value.ToString("0.####", CultureInfo.InvariantCulture)}")));

    /// <inheritdoc />
    public void Info(string message)
    {
        if (_warningsAsEntries && message.StartsWith("warning: ", StringComparison.Ordinal)) _log.Warning(message["warning: ".Length..]);
        else _log.Info(message);
    }
}
