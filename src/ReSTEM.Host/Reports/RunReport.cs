using System.Globalization;
using System.Text;
using Akka.Configuration;
using ReSTEM.Core.Problems;
using ReSTEM.Host.Configuration;
using ReSTEM.Host.Console;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Host.Reports;

/// <summary>
/// The report of one run folder: its results table, the gain of the best iteration, a plot of
/// greedy test pass@1 by iteration (<c>report.png</c>) and <c>report.md</c> that holds them with
/// what the run was. Reads only run.json and the base model's eval.parquet, so it works on a
/// run that is still going or was stopped: it shows the evaluated records.
/// </summary>
public sealed class RunReport
{
    /// <summary>The Markdown report's file name in the run folder.</summary>
    public const string MarkdownFile = "report.md";

    /// <summary>The plot's file name in the run folder.</summary>
    public const string PlotFile = "report.png";

    /// <summary>The configuration keys the report lists under "Settings", when the run's configuration has them.</summary>
    private static readonly string[] SettingKeys =
    [
        "restem.iterations",
        "restem.early-stop",
        "restem.baseline",
        "restem.seed",
        "restem.model.dtype",
        "restem.sampling.samples-per-problem",
        "restem.sampling.temperature",
        "restem.sampling.top-k",
        "restem.sampling.top-p",
        "restem.sampling.max-new-tokens",
        "restem.sampling.model",
        "restem.filter.max-correct-per-problem",
        "restem.training.start-from",
        "restem.training.epochs",
        "restem.training.learning-rate",
        "restem.training.batch-size",
        "restem.training.select-by-validation",
        "restem.evaluation.samples-per-problem",
        "restem.evaluation.k",
        "restem.evaluation.temperature",
        "restem.evaluation.max-test-problems",
        "restem.evaluation.max-val-problems",
    ];

    private static readonly string[] ShapeKeys = ["hidden-size", "layers", "heads", "kv-heads", "intermediate-size", "max-positions"];

    private readonly IReadOnlyDictionary<string, string> _settings;

    private RunReport(RunLayout layout, RunManifest manifest, IReadOnlyDictionary<string, string> settings, int? testProblems, int? validationProblems)
    {
        Layout = layout;
        Manifest = manifest;
        Table = ResultsTable.From(manifest);
        _settings = settings;
        TestProblems = testProblems;
        ValidationProblems = validationProblems;
    }

    /// <summary>The run folder.</summary>
    public RunLayout Layout { get; }

    /// <summary>The run's manifest as read.</summary>
    public RunManifest Manifest { get; }

    /// <summary>The results table of the evaluated records.</summary>
    public ResultsTable Table { get; }

    /// <summary>Test problems evaluated (from the base model's eval.parquet), or null when not known.</summary>
    public int? TestProblems { get; }

    /// <summary>Validation problems evaluated (from the base model's eval.parquet), or null when not known.</summary>
    public int? ValidationProblems { get; }

    /// <summary>Train problems the E-step covered (sealed problems of the latest sealed iteration), or null before any.</summary>
    public int? TrainProblems => Manifest.Iterations.Where(r => r.Iteration > 0 && r.Phase >= IterationPhase.Sealed)
        .Select(r => (int?)r.SealedProblems).LastOrDefault();

    /// <summary>ReST-EM iterations (after the base model) that are evaluated.</summary>
    public int IterationsDone => Manifest.Iterations.Count(r => r.Iteration > 0 && r.Phase == IterationPhase.Evaluated);

    /// <summary>From the run's creation to the last change of its manifest.</summary>
    public TimeSpan WallTime =>
        Manifest.Iterations.Count == 0 ? TimeSpan.Zero : Manifest.Iterations.Max(r => r.UpdatedUtc) - Manifest.CreatedUtc;

    /// <summary><c>report.md</c>'s path.</summary>
    public string MarkdownPath => Path.Combine(Layout.Root, MarkdownFile);

    /// <summary><c>report.png</c>'s path.</summary>
    public string PlotPath => Path.Combine(Layout.Root, PlotFile);

    /// <summary>Reads the run folder <paramref name="runDir"/>.</summary>
    /// <exception cref="ConfigurationError">It is not a run folder (no run.json).</exception>
    /// <exception cref="DamagedFileException">Its run.json is not a readable manifest.</exception>
    public static async Task<RunReport> LoadAsync(string runDir, CancellationToken cancellationToken = default)
    {
        var layout = new RunLayout(runDir);
        if (!Directory.Exists(layout.Root))
            throw new ConfigurationError($"{runDir} is not a run folder: it does not exist");
        if (!File.Exists(layout.Manifest))
            throw new ConfigurationError($"{runDir} is not a run folder: it has no run.json");
        var manifest = new ManifestStore(layout).Load();
        var (test, validation) = await ProblemCountsAsync(layout, manifest, cancellationToken).ConfigureAwait(false);
        return new RunReport(layout, manifest, Settings(manifest.Config), test, validation);
    }

    /// <summary>
    /// Writes <c>report.png</c> (when something is evaluated) and then <c>report.md</c>, each
    /// atomically. A plot that cannot be drawn does not stop the report: report.md is written
    /// without it and the reason is returned as a warning.
    /// </summary>
    public async Task<ReportFiles> WriteAsync(CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        var plotted = false;
        if (ReportPlot.CanDraw(Table))
        {
            try
            {
                var png = ReportPlot.RenderPng(Table, Manifest.RunId);
                await AtomicFile.WriteAsync(PlotPath, (stream, ct) => stream.WriteAsync(png, ct).AsTask(), cancellationToken).ConfigureAwait(false);
                plotted = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                warnings.Add($"the plot {PlotPath} could not be drawn or written ({e.GetType().Name}: {e.Message}); {MarkdownFile} is written without it");
            }
        }
        await AtomicFile.WriteAllTextAsync(MarkdownPath, RenderMarkdown(plotted), cancellationToken).ConfigureAwait(false);
        return new ReportFiles(MarkdownPath, plotted ? PlotPath : null, warnings);
    }

    /// <summary>The table and the gain lines as plain text, for the console.</summary>
    public string RenderText()
    {
        var text = new StringBuilder(Table.RenderText());
        foreach (var line in Table.GainLines()) text.AppendLine(line);
        return text.ToString();
    }

    /// <summary>The whole report in Markdown; <paramref name="withPlot"/> links <c>report.png</c>.</summary>
    public string RenderMarkdown(bool withPlot)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# ReST-EM run {Manifest.RunId}");
        md.AppendLine();
        md.AppendLine("## The run");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- run id: `{Manifest.RunId}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"- task: {Manifest.Task}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- base model: {Manifest.BaseModel}{ModelShape()}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- iterations: {IterationsDone} of {Manifest.IterationsPlanned} evaluated{(Manifest.StoppedEarly is { } why ? $"; stopped early: {why}" : "")}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- SFT baseline on human solutions: {SftState()}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- problems: {Count(TrainProblems)} train, {Count(ValidationProblems)} validation, {Count(TestProblems)} test");
        md.AppendLine(CultureInfo.InvariantCulture, $"- started {Manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; wall time {Duration(WallTime)} (to the last manifest update)");
        var settings = SettingKeys.Where(_settings.ContainsKey).ToList();
        if (settings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Settings");
            md.AppendLine();
            foreach (var key in settings) md.AppendLine(CultureInfo.InvariantCulture, $"- `{key}` = {_settings[key]}");
        }
        md.AppendLine();
        md.AppendLine("## Results (test split unless marked val_)");
        md.AppendLine();
        md.Append(Table.RenderMarkdown());
        var gains = Table.GainLines();
        if (gains.Count > 0)
        {
            md.AppendLine();
            foreach (var line in gains) md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }
        if (withPlot)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"![pass@1 by iteration]({PlotFile})");
        }
        return md.ToString();
    }

    private string ModelShape()
    {
        if (!string.Equals(Manifest.BaseModel, "builtin", StringComparison.Ordinal)) return "";
        var parts = ShapeKeys.Where(k => _settings.ContainsKey($"restem.model.builtin.{k}"))
            .Select(k => $"{k} {_settings[$"restem.model.builtin.{k}"]}").ToList();
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private string SftState()
    {
        var record = Manifest.Find(RunLayout.SftBaseline);
        if (record is null) return _settings.TryGetValue("restem.baseline", out var baseline) && baseline != "none" ? "not run yet" : "none";
        return record.Phase == IterationPhase.Evaluated
            ? $"trained on {record.TrainRows} human solutions, evaluated"
            : $"{record.Phase.ToString().ToLowerInvariant()}, not evaluated yet";
    }

    private static string Count(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalHours >= 1) return $"{(int)span.TotalHours} h {span.Minutes:D2} min {span.Seconds:D2} s";
        return span.TotalMinutes >= 1 ? $"{span.Minutes} min {span.Seconds:D2} s" : $"{span.Seconds} s";
    }

    /// <summary>The leaves of the run's stored configuration; empty when it cannot be parsed (the report still stands without it).</summary>
    private static IReadOnlyDictionary<string, string> Settings(string configText)
    {
        if (string.IsNullOrWhiteSpace(configText)) return new Dictionary<string, string>();
        try
        {
            return HoconDocument.Flatten(ConfigurationFactory.ParseString(configText));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>The distinct test and validation problems of the base model's evaluation, when it is written and readable.</summary>
    private static async Task<(int? Test, int? Validation)> ProblemCountsAsync(RunLayout layout, RunManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Find(0)?.Phase != IterationPhase.Evaluated || !File.Exists(layout.Eval(0))) return (null, null);
        try
        {
            var rows = await new TableStore(layout).ReadEvaluationAsync(0, cancellationToken).ConfigureAwait(false);
            int? Distinct(string split)
            {
                var count = rows.Where(r => r.Split == split).Select(r => r.ProblemId).Distinct(StringComparer.Ordinal).Count();
                return count == 0 ? null : count;
            }
            return (Distinct(Split.Test.ToName()), Distinct(Split.Validation.ToName()));
        }
        catch (Exception e) when (e is IOException or DamagedFileException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }
}
