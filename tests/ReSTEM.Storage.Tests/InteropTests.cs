using ParquetSharp;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using ReSTEM.Storage.Tables;

namespace ReSTEM.Storage.Tests;

/// <summary>
/// Every kind of Parquet file the project writes is read back with an independent
/// implementation, ParquetSharp (Apache Arrow's C++ reader), and every value is compared.
/// </summary>
public sealed class InteropTests
{
    private static readonly Random Random = new(5);

    [Fact]
    public async Task Sample_parts_read_the_same_in_Arrow_cpp()
    {
        using var dir = new TempDir();
        var store = new SampleStore(new RunLayout(dir.Path));
        var rows = Enumerable.Range(0, 300).Select(i => new SampleRow
        {
            RunId = "run-β",
            Iteration = 3,
            ProblemId = $"p-{i / 4}",
            SampleIndex = i % 4,
            Seed = long.MaxValue - i,
            Prompt = $"Q{i}: Ünïcode ✓ and \"quotes\"\n",
            Completion = i % 7 == 0 ? "" : new string('x', Random.Next(0, 300)),
            Reward = i % 3 == 0 ? 1f : 0f,
            Verdict = i % 3 == 0 ? "passed" : "failed",
            Reason = i % 3 == 0 ? "" : "expected 5, got 6",
            ExtractedAnswer = i % 5 == 0 ? null : $"{i}",
            PromptTokens = i,
            CompletionTokens = 2 * i,
            CheckpointId = "iter-2-abc",
            GenerateMs = i * 0.5f,
            VerifyMs = i * 0.25f,
            FinishReason = "eos",
            Difficulty = i % 5 + 1,
            Accepted = i % 6 == 0,
        }).ToList();
        var path = await store.WritePartAsync(3, rows);

        var columns = ReadAll(path);

        Assert.Equal(["run_id", "iteration", "problem_id", "sample_index", "seed", "prompt", "completion", "reward", "verdict", "reason",
            "extracted_answer", "prompt_tokens", "completion_tokens", "checkpoint_id", "generate_ms", "verify_ms", "finish_reason", "difficulty", "accepted"],
            columns.Keys);
        Assert.Equal(rows.Select(r => r.RunId), Strings(columns["run_id"]));
        Assert.Equal(rows.Select(r => r.Iteration), Ints(columns["iteration"]));
        Assert.Equal(rows.Select(r => r.ProblemId), Strings(columns["problem_id"]));
        Assert.Equal(rows.Select(r => r.SampleIndex), Ints(columns["sample_index"]));
        Assert.Equal(rows.Select(r => r.Seed), columns["seed"].Cast<long>());
        Assert.Equal(rows.Select(r => r.Prompt), Strings(columns["prompt"]));
        Assert.Equal(rows.Select(r => r.Completion), Strings(columns["completion"]));
        Assert.Equal(rows.Select(r => r.Reward), columns["reward"].Cast<float>());
        Assert.Equal(rows.Select(r => r.Verdict), Strings(columns["verdict"]));
        Assert.Equal(rows.Select(r => r.Reason), Strings(columns["reason"]));
        Assert.Equal(rows.Select(r => r.ExtractedAnswer), columns["extracted_answer"].Cast<string?>());
        Assert.Equal(rows.Select(r => r.PromptTokens), Ints(columns["prompt_tokens"]));
        Assert.Equal(rows.Select(r => r.CompletionTokens), Ints(columns["completion_tokens"]));
        Assert.Equal(rows.Select(r => r.CheckpointId), Strings(columns["checkpoint_id"]));
        Assert.Equal(rows.Select(r => r.GenerateMs), columns["generate_ms"].Cast<float>());
        Assert.Equal(rows.Select(r => r.VerifyMs), columns["verify_ms"].Cast<float>());
        Assert.Equal(rows.Select(r => r.FinishReason), Strings(columns["finish_reason"]));
        Assert.Equal(rows.Select(r => r.Difficulty), Ints(columns["difficulty"]));
        Assert.Equal(rows.Select(r => r.Accepted), columns["accepted"].Cast<bool>());
    }

    [Fact]
    public async Task Train_sets_read_the_same_in_Arrow_cpp()
    {
        using var dir = new TempDir();
        var tables = new TableStore(new RunLayout(dir.Path));
        var rows = Enumerable.Range(0, 50).Select(i => new TrainRow
        {
            Iteration = 2, ProblemId = $"p{i}", SampleIndex = i % 8, Prompt = $"prompt {i}", Completion = $"completion {i}\n#### {i}", Reward = 1f,
        }).ToList();
        await tables.WriteTrainSetAsync(2, rows);

        var columns = ReadAll(new RunLayout(dir.Path).TrainSet(2));

        Assert.Equal(["iteration", "problem_id", "sample_index", "prompt", "completion", "reward"], columns.Keys);
        Assert.Equal(rows.Select(r => r.Iteration), Ints(columns["iteration"]));
        Assert.Equal(rows.Select(r => r.ProblemId), Strings(columns["problem_id"]));
        Assert.Equal(rows.Select(r => r.SampleIndex), Ints(columns["sample_index"]));
        Assert.Equal(rows.Select(r => r.Prompt), Strings(columns["prompt"]));
        Assert.Equal(rows.Select(r => r.Completion), Strings(columns["completion"]));
        Assert.Equal(rows.Select(r => r.Reward), columns["reward"].Cast<float>());
    }

    [Fact]
    public async Task Evaluation_rows_with_their_lists_read_the_same_in_Arrow_cpp()
    {
        using var dir = new TempDir();
        var tables = new TableStore(new RunLayout(dir.Path));
        var rows = Enumerable.Range(0, 40).Select(i => new EvalRow
        {
            Iteration = 1,
            Split = i % 2 == 0 ? "test" : "val",
            ProblemId = $"p{i}",
            Difficulty = i % 5,
            Mode = i % 3 == 0 ? "greedy" : "sampled",
            N = i % 3 == 0 ? 1 : 4,
            Correct = i % 4,
            Answers = Enumerable.Range(0, i % 3 == 0 ? 1 : 4).Select(j => j == 1 ? "" : $"{i + j}").ToList(),
            Rewards = Enumerable.Range(0, i % 3 == 0 ? 1 : 4).Select(j => (float)(j % 2)).ToList(),
            Completions = Enumerable.Range(0, i % 3 == 0 ? 1 : 4).Select(j => $"c{i}-{j}").ToList(),
            CheckpointId = "iter-1-x",
        }).ToList();
        await tables.WriteEvaluationAsync(1, rows, new Dictionary<string, double> { ["pass@1"] = 0.5 });

        var columns = ReadAll(new RunLayout(dir.Path).Eval(1));

        Assert.Equal(rows.Select(r => r.Split), Strings(columns["split"]));
        Assert.Equal(rows.Select(r => r.ProblemId), Strings(columns["problem_id"]));
        Assert.Equal(rows.Select(r => r.Mode), Strings(columns["mode"]));
        Assert.Equal(rows.Select(r => r.N), Ints(columns["n"]));
        Assert.Equal(rows.Select(r => r.Correct), Ints(columns["correct"]));
        Assert.Equal(rows.Select(r => r.Difficulty), Ints(columns["difficulty"]));
        Assert.Equal(rows.Select(r => string.Join("|", r.Answers)), columns["answers"].Cast<string?[]>().Select(a => string.Join("|", a)));
        Assert.Equal(rows.Select(r => string.Join("|", r.Rewards)), columns["rewards"].Cast<float[]>().Select(a => string.Join("|", a)));
        Assert.Equal(rows.Select(r => string.Join("|", r.Completions)), columns["completions"].Cast<string?[]>().Select(a => string.Join("|", a)));
    }

    [Fact]
    public async Task Graded_rows_keep_NUL_and_numbers_past_a_double_in_Arrow_cpp()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "graded.parquet");
        var rows = RowWritersTests.Awkward();
        var schema = new RowSchema();
        foreach (var row in rows) schema.Observe(row);
        await using (var writer = new ParquetRowWriter(path, schema))
        {
            await writer.WriteAsync(rows, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        var columns = ReadAll(path);

        Assert.Equal(["a\0b", "\0", "x"], Strings(columns["completion"]));
        Assert.Equal(["1e400", "-1E+999", "2.5"], Strings(columns["big"]));
        Assert.Equal([0.5, 0.25, 1.0], columns["ratio"].Cast<double?>());
    }

    private static IEnumerable<string> Strings(IEnumerable<object?> values) => values.Cast<string>();

    private static IEnumerable<int> Ints(IEnumerable<object?> values) => values.Cast<int>();

    /// <summary>Every column of every row group, by top-level column name, read through Arrow's C++ Parquet reader.</summary>
    private static Dictionary<string, List<object?>> ReadAll(string path)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        var result = new Dictionary<string, List<object?>>();
        for (var c = 0; c < schema.NumColumns; c++)
        {
            result[schema.Column(c).Path.ToDotVector()[0]] = [];
        }
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var n = checked((int)group.MetaData.NumRows);
            for (var c = 0; c < schema.NumColumns; c++)
            {
                using var column = group.Column(c);
                using var reader = column.LogicalReader();
                var values = reader.Apply(new ReadAllVisitor(n));
                result[schema.Column(c).Path.ToDotVector()[0]].AddRange(values);
            }
        }
        return result;
    }

    private sealed class ReadAllVisitor(int rows) : ILogicalColumnReaderVisitor<IEnumerable<object?>>
    {
        public IEnumerable<object?> OnLogicalColumnReader<TValue>(LogicalColumnReader<TValue> columnReader) =>
            columnReader.ReadAll(rows).Cast<object?>().ToList();
    }
}
