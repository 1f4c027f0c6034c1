using ReSTEM.Host.Console;
using ReSTEM.Host.Reports;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>The results table, report.md and report.png of run folders built by hand, and <c>restem report</c> as users run it.</summary>
public sealed class ReportTests(ITestOutputHelper output) : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly DateTime Created = new(2026, 1, 2, 10, 0, 0, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("restem-report-").FullName;

    [Fact]
    public async Task The_table_lists_base_then_SFT_then_iterations_with_D_i_and_every_metric_column()
    {
        var dir = await BuildRunAsync("full", withSft: true);

        var report = await RunReport.LoadAsync(dir);
        var table = report.Table;

        Assert.Equal(["0 (base)", "SFT (human)", "1", "2"], table.Cells.Select(r => r[0]));
        Assert.Equal(["-", "120", "30", "45"], table.Cells.Select(r => r[1]));
        Assert.Equal(
            ["iteration", "D_i", "pass@1", "sampled_pass@1", "pass@4", "pass@16", "maj@4", "maj@16", "pass@1/level-1", "pass@1/level-2", "pass@1/level-10", "val_pass@1"],
            table.Header);
        var second = table.Cells[3];
        Assert.Equal("52.5", second[Column(table, "pass@1")]);
        Assert.Equal("70.0", second[Column(table, "pass@4")]);
        Assert.Equal("61.2", second[Column(table, "maj@4")]);
        Assert.Equal("33.3", second[Column(table, "pass@1/level-2")]);
        Assert.Equal("-", table.Cells[1][Column(table, "pass@16")]);
        Assert.Equal("50.0", table.Cells[1][Column(table, "val_pass@1")]);

        var text = table.RenderText();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("iteration", lines[0]);
        Assert.StartsWith("0 (base)", lines[1]);
        Assert.StartsWith("SFT (human)", lines[2]);
        Assert.Equal(lines[0].Length, lines[1].Length);
        Assert.Equal(lines[0].Length, lines[4].Length);

        var gains = table.GainLines();
        Assert.Equal(2, gains.Count);
        Assert.Equal("best iteration by test pass@1 (greedy): 2 with 52.5%, +12.5 points over the base model (40.0%)", gains[0]);
        Assert.Equal("best iteration 2 against SFT on human solutions (55.0%): -2.5 points", gains[1]);
    }

    [Fact]
    public async Task The_report_writes_a_markdown_file_and_a_png_plot_into_the_run_folder()
    {
        var dir = await BuildRunAsync("written", withSft: true);

        var report = await RunReport.LoadAsync(dir);
        var written = await report.WriteAsync();

        Assert.Empty(written.Warnings);
        Assert.Equal(Path.Combine(dir, "report.md"), written.Markdown);
        Assert.Equal(Path.Combine(dir, "report.png"), written.Plot);
        var md = await File.ReadAllTextAsync(written.Markdown);
        output.WriteLine(md);
        Assert.StartsWith("# ReST-EM run run-written", md);
        Assert.Contains("- task: arithmetic", md);
        Assert.Contains("- base model: builtin (hidden-size 64, layers 2, heads 4, kv-heads 2, intermediate-size 176, max-positions 384)", md);
        Assert.Contains("- iterations: 2 of 3 evaluated", md);
        Assert.Contains("- SFT baseline on human solutions: trained on 120 human solutions, evaluated", md);
        Assert.Contains("- problems: 60 train, 3 validation, 4 test", md);
        Assert.Contains("wall time 1 h 02 min 03 s", md);
        Assert.Contains("- `restem.sampling.temperature` = 0.7", md);
        Assert.Contains("- `restem.filter.max-correct-per-problem` = 10", md);
        Assert.Contains("- `restem.evaluation.k` = [1, 4, 16]", md);
        Assert.Contains("| iteration | D_i | pass@1 | sampled_pass@1 |", md);
        Assert.Contains("| SFT (human) | 120 | 55.0 |", md);
        Assert.Contains("| 2 | 45 | 52.5 |", md);
        Assert.Contains("- best iteration by test pass@1 (greedy): 2 with 52.5%, +12.5 points over the base model (40.0%)", md);
        Assert.EndsWith("![pass@1 by iteration](report.png)\n", md);
        Assert.True(md.IndexOf("| 0 (base) |", StringComparison.Ordinal) < md.IndexOf("| SFT (human) |", StringComparison.Ordinal));
        Assert.True(md.IndexOf("| SFT (human) |", StringComparison.Ordinal) < md.IndexOf("| 1 | 30 |", StringComparison.Ordinal));

        AssertPng(written.Plot!, 800, 500);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir, ".tmp-*"));
    }

    [Fact]
    public async Task An_unfinished_run_without_a_baseline_reports_its_evaluated_records_only()
    {
        var dir = await BuildRunAsync("unfinished", withSft: false, iterationsEvaluated: 1);

        var report = await RunReport.LoadAsync(dir);
        var written = await report.WriteAsync();

        Assert.Equal(["0 (base)", "1"], report.Table.Cells.Select(r => r[0]));
        Assert.Single(report.Table.GainLines());
        var md = await File.ReadAllTextAsync(written.Markdown);
        Assert.Contains("- iterations: 1 of 3 evaluated", md);
        Assert.Contains("- SFT baseline on human solutions: none", md);
        Assert.DoesNotContain("SFT (human)", md);
        AssertPng(written.Plot!, 800, 500);
    }

    [Fact]
    public async Task A_run_with_nothing_evaluated_gets_a_report_without_a_plot()
    {
        var dir = Path.Combine(_root, "fresh");
        await new ManifestStore(new RunLayout(dir)).SaveAsync(Manifest("fresh", [new IterationRecord { Iteration = 0, Phase = IterationPhase.Trained, UpdatedUtc = Created }]));

        var report = await RunReport.LoadAsync(dir);
        var written = await report.WriteAsync();

        Assert.Null(written.Plot);
        Assert.False(File.Exists(Path.Combine(dir, "report.png")));
        Assert.Equal("no iteration has been evaluated yet\n", report.Table.RenderText());
        Assert.Contains("No iteration has been evaluated yet.", await File.ReadAllTextAsync(written.Markdown));
    }

    [Fact]
    public async Task A_plot_that_cannot_be_written_is_a_warning_and_report_md_goes_without_it()
    {
        var dir = await BuildRunAsync("blocked", withSft: false);
        Directory.CreateDirectory(Path.Combine(dir, "report.png"));

        var written = await (await RunReport.LoadAsync(dir)).WriteAsync();

        Assert.Null(written.Plot);
        var warning = Assert.Single(written.Warnings);
        Assert.Contains("report.png could not be drawn or written", warning);
        var md = await File.ReadAllTextAsync(written.Markdown);
        Assert.Contains("| 2 | 45 | 52.5 |", md);
        Assert.DoesNotContain("![", md);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir, ".tmp-*"));
    }

    [Fact]
    public async Task Restem_report_prints_the_table_and_writes_the_files()
    {
        var dir = await BuildRunAsync("cli", withSft: true);

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "report", dir);
        output.WriteLine(text);

        Assert.Equal(0, code);
        Assert.Contains("SFT (human)", text);
        Assert.Contains("+12.5 points over the base model", text);
        Assert.Contains($"report: wrote {Path.Combine(dir, "report.md")} and {Path.Combine(dir, "report.png")}", text);
        Assert.DoesNotContain("\u001b", text);
        AssertPng(Path.Combine(dir, "report.png"), 800, 500);
    }

    [Fact]
    public async Task Restem_report_refuses_a_folder_that_is_not_a_run_or_has_a_damaged_manifest_with_exit_2()
    {
        var plain = Directory.CreateDirectory(Path.Combine(_root, "plain")).FullName;
        await File.WriteAllTextAsync(Path.Combine(plain, "notes.txt"), "not a run");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "report", plain);
        output.WriteLine(text);
        Assert.Equal(2, code);
        Assert.Contains("is not a run folder: it has no run.json", text);
        Assert.False(File.Exists(Path.Combine(plain, "report.md")));

        var (missingCode, missingText) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "report", Path.Combine(_root, "nowhere"));
        Assert.Equal(2, missingCode);
        Assert.Contains("does not exist", missingText);

        var damaged = await BuildRunAsync("damaged", withSft: false);
        await File.WriteAllTextAsync(Path.Combine(damaged, "run.json"), "{ \"run_id\": ");
        var (damagedCode, damagedText) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "report", damaged);
        output.WriteLine(damagedText);
        Assert.Equal(2, damagedCode);
        Assert.Contains("run.json", damagedText);
        Assert.False(File.Exists(Path.Combine(damaged, "report.md")));
    }

    [Fact]
    public async Task Restem_report_help_describes_the_command()
    {
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "report", "--help");
        Assert.Equal(0, code);
        Assert.Contains("report.md", text);
        Assert.Contains("report.png", text);
        Assert.Contains("DIR", text);
        var (rootCode, rootText) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2), "--help");
        Assert.Equal(0, rootCode);
        Assert.Contains("report", rootText);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Column(ResultsTable table, string header)
    {
        var index = table.Header.ToList().IndexOf(header);
        Assert.True(index >= 0, $"no column {header}");
        return index;
    }

    private static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        // IHDR, the first chunk, holds the width and height (big-endian) right after its type.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    /// <summary>A run folder as a run leaves it: manifest records, metrics.json, and the base model's eval.parquet (4 test, 3 validation problems).</summary>
    private async Task<string> BuildRunAsync(string name, bool withSft, int iterationsEvaluated = 2)
    {
        var dir = Path.Combine(_root, name);
        var layout = new RunLayout(dir);
        var tables = new TableStore(layout);
        var records = new List<IterationRecord>();
        async Task Evaluated(int iteration, int trainRows, Dictionary<string, double> metrics, TimeSpan at)
        {
            await tables.WriteEvaluationAsync(iteration, EvalRows(iteration), metrics);
            records.Add(new IterationRecord
            {
                Iteration = iteration, Phase = IterationPhase.Evaluated, TrainRows = trainRows, SealedProblems = iteration > 0 ? 60 : 0,
                Metrics = metrics, UpdatedUtc = Created + at,
            });
        }
        await Evaluated(0, 0, Metrics(0.40, 0.35, 0.60, 0.50, 0.25, 0.45), TimeSpan.FromMinutes(5));
        if (withSft)
        {
            var sft = Metrics(0.55, 0.50, 0.65, 0.60, 0.30, 0.50);
            sft.Remove("pass@16");
            await Evaluated(RunLayout.SftBaseline, 120, sft, TimeSpan.FromMinutes(12));
        }
        await Evaluated(1, 30, Metrics(0.475, 0.45, 0.68, 0.60, 0.30, 0.55), TimeSpan.FromMinutes(40));
        if (iterationsEvaluated >= 2)
            await Evaluated(2, 45, Metrics(0.525, 0.50, 0.70, 0.612, 1.0 / 3, 0.60), TimeSpan.FromMinutes(62) + TimeSpan.FromSeconds(3));
        else
            records.Add(new IterationRecord { Iteration = 2, Phase = IterationPhase.Sampling, UpdatedUtc = Created + TimeSpan.FromMinutes(41) });
        await new ManifestStore(layout).SaveAsync(Manifest("run-" + name, records));
        return dir;
    }

    private static RunManifest Manifest(string runId, List<IterationRecord> records) => new()
    {
        RunId = runId,
        CreatedUtc = Created,
        Task = "arithmetic",
        BaseModel = "builtin",
        ConfigHash = "0",
        ResumeKeys = new Dictionary<string, string>(),
        IterationsPlanned = 3,
        Config = string.Join("\n",
            "restem.evaluation.k = [1, 4, 16]",
            "restem.filter.max-correct-per-problem = 10",
            "restem.iterations = 3",
            "restem.model.base = builtin",
            "restem.model.builtin.heads = 4",
            "restem.model.builtin.hidden-size = 64",
            "restem.model.builtin.intermediate-size = 176",
            "restem.model.builtin.kv-heads = 2",
            "restem.model.builtin.layers = 2",
            "restem.model.builtin.max-positions = 384",
            "restem.sampling.samples-per-problem = 16",
            "restem.sampling.temperature = 0.7",
            "restem.sampling.top-k = 40",
            "restem.task = arithmetic") + "\n",
        Iterations = records.OrderBy(r => r.Iteration).ToList(),
    };

    private static Dictionary<string, double> Metrics(double greedy, double sampled, double pass4, double maj4, double level2, double val) => new()
    {
        ["pass@1"] = greedy,
        ["sampled_pass@1"] = sampled,
        ["pass@4"] = pass4,
        ["pass@16"] = Math.Min(1, pass4 + 0.1),
        ["maj@4"] = maj4,
        ["maj@16"] = maj4,
        ["pass@1/level-1"] = Math.Min(1, greedy + 0.2),
        ["pass@1/level-2"] = level2,
        ["pass@1/level-10"] = 0,
        ["pass@4/level-2"] = pass4,
        ["val_pass@1"] = val,
        ["val_pass@1/level-2"] = val,
    };

    private static List<EvalRow> EvalRows(int iteration) =>
    [
        .. Enumerable.Range(0, 4).Select(i => new EvalRow { Iteration = iteration, Split = "test", ProblemId = $"t{i}", Difficulty = 1, Mode = "greedy", N = 1, Correct = i % 2, Answers = ["1"], Rewards = [i % 2], Completions = ["x"], CheckpointId = "c" }),
        .. Enumerable.Range(0, 4).Select(i => new EvalRow { Iteration = iteration, Split = "test", ProblemId = $"t{i}", Difficulty = 1, Mode = "sampled", N = 1, Correct = 0, Answers = ["1"], Rewards = [0], Completions = ["x"], CheckpointId = "c" }),
        .. Enumerable.Range(0, 3).Select(i => new EvalRow { Iteration = iteration, Split = "val", ProblemId = $"v{i}", Difficulty = 1, Mode = "greedy", N = 1, Correct = 1, Answers = ["1"], Rewards = [1], Completions = ["x"], CheckpointId = "c" }),
    ];
}
