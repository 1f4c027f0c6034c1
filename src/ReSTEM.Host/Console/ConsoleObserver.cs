using System.Diagnostics;
using System.Globalization;
using ReSTEM.Actors.Runs;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Console;

/// <summary>
/// Prints a run's progress as time-stamped lines on standard error (standard output is kept for
/// results). Progress within a phase is printed at most every <see cref="_interval"/>, and
/// always when a phase completes, so long runs stay readable in logs and terminals alike.
/// </summary>
public sealed class ConsoleObserver : IRunObserver
{
    private readonly TextWriter _out;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private TimeSpan? _lastProgress;

    /// <summary>Creates an observer writing to <paramref name="output"/>.</summary>
    public ConsoleObserver(TextWriter output, TimeSpan interval)
    {
        _out = output;
        _interval = interval;
    }

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail) =>
        Write($"{StageLabel(iteration)} {phase}: {detail}");

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status)
    {
        lock (_lock)
        {
            var now = _clock.Elapsed;
            var finished = total > 0 && done >= total;
            if (!finished && _lastProgress is { } last && now - last < _interval) return;
            _lastProgress = now;
        }
        var counts = total > 0 ? $"{done}/{total} ({100.0 * done / total:F0}%) " : "";
        Write($"{StageLabel(iteration)} {phase}: {counts}{status}");
    }

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) =>
        Write(EvaluatedLine(iteration, metrics));

    /// <inheritdoc />
    public void Info(string message) => Write(message);

    /// <summary>The prefix of a stage's lines: <c>[iter i]</c>, or <c>[sft baseline]</c> for <see cref="RunLayout.SftBaseline"/>.</summary>
    public static string StageLabel(int iteration) =>
        iteration == RunLayout.SftBaseline ? "[sft baseline]" : $"[iter {iteration.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>The line that reports an evaluation: the headline metrics (no per-level breakdown), in %.</summary>
    public static string EvaluatedLine(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        var headline = metrics.Where(kv => !kv.Key.Contains('/')).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {ResultsTable.Percent(kv.Value)}%");
        return $"{StageLabel(iteration)} evaluated: {string.Join("  ", headline)}";
    }

    private void Write(string line)
    {
        var elapsed = _clock.Elapsed;
        lock (_lock)
        {
            _out.WriteLine($"{(int)elapsed.TotalMinutes:D2}:{elapsed.Seconds:D2} {line}");
            _out.Flush();
        }
    }
}
