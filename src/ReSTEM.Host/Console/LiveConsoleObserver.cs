using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ReSTEM.Actors.Runs;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReSTEM.Host.Console;

/// <summary>
/// The display of a run on a terminal: a live region (Spectre.Console) with one row per stage
/// (its iteration, a progress bar, the latest status, the time it has taken) above the results
/// table, which grows as iterations are evaluated; <see cref="Info"/> messages scroll above the
/// region. Observer calls only record state under a lock; one render loop draws it at most
/// <see cref="RefreshesPerSecond"/> times a second and is the only writer to the console, so
/// calls from many threads stay cheap and never interleave output. <see cref="Dispose"/> stops
/// the loop and gives the terminal back (cursor shown, region cleared). Used only when standard
/// error is a terminal; <see cref="ConsoleObserver"/> writes plain lines otherwise.
/// </summary>
public sealed partial class LiveConsoleObserver : IRunObserver, IDisposable
{
    /// <summary>How often the region is redrawn.</summary>
    public const int RefreshesPerSecond = 4;

    private const int BarWidth = 24;

    private readonly IAnsiConsole _console;
    private readonly RunLayout? _layout;
    private readonly TextWriter _fallback;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly List<Stage> _stages = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, double>> _evaluated = [];
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private ResultsTable? _results;
    private bool _resultsStale;
    private readonly Lock _fallbackLock = new();
    private volatile Exception? _failure;
    private volatile bool _disposed;

    /// <summary>
    /// Starts the live region on <paramref name="console"/>. <paramref name="runDir"/> (may be null)
    /// is read for D_i when an iteration is evaluated; <paramref name="fallback"/> receives plain
    /// lines should the live region fail.
    /// </summary>
    public LiveConsoleObserver(IAnsiConsole console, string? runDir, TextWriter fallback)
    {
        _console = console;
        _layout = runDir is null ? null : new RunLayout(runDir);
        _fallback = fallback;
        _loop = Task.Run(RenderLoopAsync);
    }

    /// <summary>
    /// Whether standard error is a terminal that can show a live region: not redirected, and
    /// <c>TERM</c> is not <c>dumb</c>.
    /// </summary>
    public static bool StandardErrorIsTerminal() =>
        !System.Console.IsErrorRedirected && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>A Spectre console on standard error (colours and cursor control as the terminal allows).</summary>
    public static IAnsiConsole StandardErrorConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(System.Console.Error),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail)
    {
        lock (_lock)
        {
            var now = _clock.Elapsed;
            // A new phase ends the one its chain was in: ReST-EM's iterations form one chain,
            // the SFT baseline its own.
            foreach (var stage in _stages.Where(s => s.Ended is null && IsBaseline(s.Iteration) == IsBaseline(iteration)))
                stage.Ended = now;
            var row = StageOf(iteration, phase);
            row.Iteration = iteration;
            row.Done = 0;
            row.Total = 0;
            row.Status = detail;
            row.Started = now;
            row.Ended = null;
        }
        Enqueue($"{ConsoleObserver.StageLabel(iteration)} {phase}: {detail}");
    }

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status)
    {
        lock (_lock)
        {
            var row = StageOf(iteration, phase);
            if (row.Iteration != iteration || row.Ended is not null)
            {
                row.Iteration = iteration;
                row.Started = _clock.Elapsed;
                row.Ended = null;
            }
            row.Done = done;
            row.Total = total;
            row.Status = status;
        }
    }

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        lock (_lock)
        {
            _evaluated[iteration] = metrics;
            _resultsStale = true;
            foreach (var stage in _stages.Where(s => s.Iteration == iteration && s.Ended is null)) stage.Ended = _clock.Elapsed;
        }
        Enqueue(ConsoleObserver.EvaluatedLine(iteration, metrics));
    }

    /// <inheritdoc />
    public void Info(string message) => Enqueue(message);

    /// <summary>Draws the last state, stops the live region and gives the terminal back.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop records its own failure in _failure.
        }
        _stop.Dispose();
        // What came after the last frame (or after a failure of the region) still reaches the user.
        while (_messages.TryDequeue(out var line)) WriteFallback(line);
        if (_failure is { } failure) WriteFallback($"warning: the live display stopped ({failure.GetType().Name}: {failure.Message})");
    }

    private void Enqueue(string message)
    {
        var elapsed = _clock.Elapsed;
        var line = $"{(int)elapsed.TotalMinutes:D2}:{elapsed.Seconds:D2} {message}";
        if (_failure is not null || _disposed)
        {
            WriteFallback(line);
            return;
        }
        _messages.Enqueue(line);
    }

    private void WriteFallback(string line)
    {
        lock (_fallbackLock)
        {
            _fallback.WriteLine(line);
            _fallback.Flush();
        }
    }

    private async Task RenderLoopAsync()
    {
        try
        {
            var live = new LiveDisplay(_console, Build()) { AutoClear = true, Overflow = VerticalOverflow.Ellipsis, Cropping = VerticalOverflowCropping.Top };
            await live.StartAsync(async context =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    Draw(context);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1.0 / RefreshesPerSecond), _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                Draw(context);
            });
        }
        catch (Exception e)
        {
            // A display that fails must not fail the run it shows: lines go to the fallback writer.
            _failure = e;
        }
    }

    private void Draw(LiveDisplayContext context)
    {
        // Lines written while the region is live appear above it (Spectre moves the region down).
        while (_messages.TryDequeue(out var line)) _console.WriteLine(line);
        context.UpdateTarget(Build());
        context.Refresh();
    }

    private IRenderable Build()
    {
        List<StageView> stages;
        Dictionary<int, IReadOnlyDictionary<string, double>>? evaluated = null;
        lock (_lock)
        {
            var now = _clock.Elapsed;
            stages = _stages.Select(s => new StageView(s.Phase, s.Iteration, s.Done, s.Total, s.Status, (s.Ended ?? now) - s.Started, s.Ended is null)).ToList();
            if (_resultsStale) evaluated = new Dictionary<int, IReadOnlyDictionary<string, double>>(_evaluated);
            _resultsStale = false;
        }
        // Only the render loop touches _results; run.json is read outside the lock.
        if (evaluated is not null) _results = LoadResults(evaluated);
        var results = _results;
        var elapsed = _clock.Elapsed;
        var parts = new List<IRenderable>
        {
            new Markup($"[bold]restem[/] running for {Clock(elapsed)}"),
            StageTable(stages),
        };
        if (results is { Rows.Count: > 0 }) parts.Add(ResultsGrid(results));
        return new Rows(parts);
    }

    /// <summary>The table from the manifest (which has D_i), with what was observed filling in for records it does not hold yet.</summary>
    private ResultsTable LoadResults(IReadOnlyDictionary<int, IReadOnlyDictionary<string, double>> evaluated)
    {
        var rows = evaluated.Select(kv => new ResultsRow(kv.Key, null, kv.Value)).ToList();
        if (_layout is not null && File.Exists(_layout.Manifest))
        {
            try
            {
                var manifest = new ManifestStore(_layout).Load();
                rows.AddRange(manifest.Iterations.Where(r => r.Metrics is not null)
                    .Select(r => new ResultsRow(r.Iteration, r.Iteration == 0 ? null : r.TrainRows, r.Metrics!)));
            }
            catch (Exception e) when (e is IOException or DamagedFileException or UnauthorizedAccessException)
            {
                // The run writes run.json atomically; a read that fails now is retried at the next evaluation.
            }
        }
        return ResultsTable.From(rows);
    }

    private static Table StageTable(IReadOnlyList<StageView> stages)
    {
        var table = new Table { Border = TableBorder.Rounded, Expand = true };
        table.AddColumn(new TableColumn(new Text("stage")) { NoWrap = true });
        table.AddColumn(new TableColumn(new Text("iter")) { NoWrap = true, Alignment = Justify.Right });
        table.AddColumn(new TableColumn(new Text("progress")) { NoWrap = true, Width = BarWidth + 16 });
        table.AddColumn(new TableColumn(new Text("status")) { NoWrap = true });
        table.AddColumn(new TableColumn(new Text("time")) { NoWrap = true, Alignment = Justify.Right });
        if (stages.Count == 0)
        {
            table.AddRow(new Text("starting"), new Text(""), new Text(""), new Text(""), new Text(""));
        }
        foreach (var stage in stages)
        {
            var style = stage.Running ? new Style(Color.Yellow, decoration: Decoration.Bold) : new Style(Color.Grey);
            table.AddRow(
                new Text(stage.Phase, style),
                new Text(stage.Iteration == RunLayout.SftBaseline ? "sft" : stage.Iteration.ToString(CultureInfo.InvariantCulture)),
                Bar(stage),
                new Text(stage.Status) { Overflow = Overflow.Ellipsis },
                new Text(Clock(stage.Elapsed)));
        }
        return table;
    }

    private static Table ResultsGrid(ResultsTable results)
    {
        // The live view keeps the headline columns; the per-level breakdown is in the final table and report.md.
        var keep = results.Header.Select((h, i) => (h, i)).Where(c => !c.h.Contains('/')).Select(c => c.i).ToList();
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("results (%)") };
        foreach (var i in keep)
            table.AddColumn(new TableColumn(new Text(results.Header[i])) { NoWrap = true, Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in results.Cells) table.AddRow(keep.Select(i => (IRenderable)new Text(row[i])));
        return table;
    }

    /// <summary>A bar of done/total; for training, whose total is in its status ("step s/S"), the step count.</summary>
    private static IRenderable Bar(StageView stage)
    {
        var (done, total) = (stage.Done, stage.Total);
        if (total <= 0 && StepPattern().Match(stage.Status) is { Success: true } m)
        {
            done = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        if (total <= 0) return new Text(stage.Running ? "working" : "done", new Style(Color.Grey));
        var fraction = Math.Clamp((double)done / total, 0, 1);
        var filled = (int)Math.Round(fraction * BarWidth);
        return new Markup($"[green]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/] {done}/{total}");
    }

    private static string Clock(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}:{span.Minutes:D2}:{span.Seconds:D2}" : $"{span.Minutes:D2}:{span.Seconds:D2}";

    private static bool IsBaseline(int iteration) => iteration == RunLayout.SftBaseline;

    /// <summary>The row of <paramref name="phase"/> in the chain of <paramref name="iteration"/>: the SFT baseline's stages have rows of their own.</summary>
    private Stage StageOf(int iteration, string phase)
    {
        var stage = _stages.FirstOrDefault(s => s.Phase == phase && IsBaseline(s.Iteration) == IsBaseline(iteration));
        if (stage is null)
        {
            stage = new Stage(phase) { Iteration = iteration, Started = _clock.Elapsed };
            _stages.Add(stage);
        }
        return stage;
    }

    [GeneratedRegex(@"step (\d+)/(\d+)")]
    private static partial Regex StepPattern();

    /// <summary>One stage's row, changed under the lock.</summary>
    private sealed class Stage(string phase)
    {
        public string Phase { get; } = phase;
        public int Iteration { get; set; }
        public long Done { get; set; }
        public long Total { get; set; }
        public string Status { get; set; } = "";
        public TimeSpan Started { get; set; }
        public TimeSpan? Ended { get; set; }
    }

    /// <summary>A stage's row as drawn.</summary>
    private sealed record StageView(string Phase, int Iteration, long Done, long Total, string Status, TimeSpan Elapsed, bool Running);
}
