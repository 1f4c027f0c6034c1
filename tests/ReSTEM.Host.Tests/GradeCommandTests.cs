using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary><c>restem grade</c> driven as users drive it, on real GSM8K and HumanEval data.</summary>
public sealed class GradeCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Data");
    private readonly string _dir = Directory.CreateTempSubdirectory("restem-grade-").FullName;

    [Fact]
    public async Task HumanEval_canonical_solutions_pass_and_empty_or_swapped_completions_fail()
    {
        var problems = Path.Combine(DataDir, "HumanEval.jsonl.gz");
        var rows = ReadJsonl(problems);
        var samples = new List<JsonObject>();
        for (var i = 0; i < rows.Count; i++)
        {
            var id = rows[i]["task_id"]!.GetValue<string>();
            samples.Add(new JsonObject { ["task_id"] = id, ["completion"] = rows[i]["canonical_solution"]!.GetValue<string>(), ["kind"] = "canonical" });
            samples.Add(new JsonObject { ["task_id"] = id, ["completion"] = "", ["kind"] = "empty" });
            samples.Add(new JsonObject { ["task_id"] = id, ["completion"] = rows[(i + 1) % rows.Count]["canonical_solution"]!.GetValue<string>(), ["kind"] = "swapped" });
        }
        var input = Write("samples.jsonl", samples);
        var graded = Path.Combine(_dir, "graded.parquet");
        var summary = Path.Combine(_dir, "summary.json");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5),
            "grade", "--task", "humaneval", "--input", input, "--problems", problems, "--output", graded, "--summary", summary, "--quiet");
        output.WriteLine(text);

        Assert.Equal(0, code);
        var results = await ReadParquetAsync(graded);
        Assert.Equal(samples.Count, results.Count);
        Assert.All(results.Where(r => r["kind"]!.GetValue<string>() == "canonical"), r => Assert.Equal("passed", r["verdict"]!.GetValue<string>()));
        Assert.All(results.Where(r => r["kind"]!.GetValue<string>() != "canonical"), r => Assert.Equal(0.0, r["reward"]!.GetValue<double>()));
        var s = JsonNode.Parse(File.ReadAllText(summary))!;
        Assert.Equal(164, s["passed"]!.GetValue<long>());
        Assert.Equal(164, s["problems"]!.GetValue<int>());
        Assert.Equal(1.0 / 3, s["metrics"]!["pass@1"]!.GetValue<double>(), 9);
        Assert.Equal(1.0, s["metrics"]!["pass@3"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task GSM8K_reference_answers_pass_against_their_own_gold_and_fail_against_a_neighbours()
    {
        var rows = ReadJsonl(Path.Combine(DataDir, "gsm8k-test.jsonl"));
        var input = new List<JsonObject>();
        string Final(int i) => rows[i]["answer"]!.GetValue<string>().Split("####")[^1].Trim().Replace(",", "");
        for (var i = 0; i < rows.Count; i++)
        {
            // The next problem whose final answer differs (a few neighbours share their answer).
            var next = (i + 1) % rows.Count;
            while (Final(next) == Final(i)) next = (next + 1) % rows.Count;
            var own = (JsonObject)rows[i].DeepClone();
            own["completion"] = rows[i]["answer"]!.GetValue<string>();
            own["expect"] = 1;
            input.Add(own);
            var neighbour = (JsonObject)rows[i].DeepClone();
            neighbour["completion"] = rows[next]["answer"]!.GetValue<string>();
            neighbour["expect"] = 0;
            input.Add(neighbour);
        }
        var graded = Path.Combine(_dir, "graded.jsonl");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5),
            "grade", "--task", "gsm8k", "--input", Write("gsm8k.jsonl", input), "--output", graded, "--quiet");
        output.WriteLine(text);

        Assert.Equal(0, code);
        var results = ReadJsonl(graded);
        Assert.Equal(input.Count, results.Count);
        Assert.All(results, r => Assert.Equal(r["expect"]!.GetValue<int>(), (int)r["reward"]!.GetValue<double>()));
    }

    [Fact]
    public async Task A_multi_sample_file_gets_hand_computed_pass_at_k_and_maj_at_k()
    {
        // Problem A (gold 10): answers 10, 7, 7, 10, 7 -> n = 5, c = 2; the majority of all five is 7 (wrong).
        // Problem B (gold 4):  answers 4, 4, 9, none, 4 -> n = 5, c = 3; the majority is 4 (right).
        var rows = new List<JsonObject>();
        foreach (var (question, gold, answers) in new[] { ("A: 5 + 5?", "10", new[] { "10", "7", "7", "10", "7" }), ("B: 2 + 2?", "4", new[] { "4", "4", "9", null, "4" }) })
        {
            foreach (var answer in answers)
            {
                rows.Add(new JsonObject { ["question"] = question, ["answer"] = $"#### {gold}", ["completion"] = answer is null ? "no idea" : $"so\n#### {answer}" });
            }
        }
        var summary = Path.Combine(_dir, "summary.json");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(2),
            "grade", "--task", "gsm8k", "--input", Write("multi.jsonl", rows), "--output", Path.Combine(_dir, "multi.out.jsonl"), "--summary", summary, "--quiet");
        output.WriteLine(text);
        Assert.Equal(0, code);

        var metrics = JsonNode.Parse(File.ReadAllText(summary))!["metrics"]!;
        // pass@1 = mean c/n = (2/5 + 3/5) / 2
        Assert.Equal(0.5, metrics["pass@1"]!.GetValue<double>(), 9);
        // pass@5 = 1 for both (n = k and c > 0)
        Assert.Equal(1.0, metrics["pass@5"]!.GetValue<double>(), 9);
        // maj@1: A's first answer 10 is right, B's first answer 4 is right -> 1
        Assert.Equal(1.0, metrics["maj@1"]!.GetValue<double>(), 9);
        // maj@5: A votes 7 (wrong), B votes 4 (right) -> 0.5
        Assert.Equal(0.5, metrics["maj@5"]!.GetValue<double>(), 9);
        // Failed: A's three 7s and B's 9; B's "no idea" has no answer.
        Assert.Equal(4, JsonNode.Parse(File.ReadAllText(summary))!["verdicts"]!["failed"]!.GetValue<long>());
        Assert.Equal(1, JsonNode.Parse(File.ReadAllText(summary))!["verdicts"]!["no_answer"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_malformed_row_stops_grading_before_it_starts_unless_bad_rows_are_skipped()
    {
        var lines = new[]
        {
            """{"question": "A?", "answer": "#### 1", "completion": "#### 1"}""",
            """{"question": "B?", "completion": "#### 2"}""",
            """{"question": "C?", "answer": "#### 3", "completion": "#### 3"}""",
            """{not json""",
        };
        var input = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllLinesAsync(input, lines);
        var graded = Path.Combine(_dir, "bad.out.jsonl");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", input, "--output", graded);
        Assert.Equal(2, code);
        Assert.Contains("line 2", text);
        Assert.Contains("'answer'", text);
        Assert.False(File.Exists(graded));

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", input, "--output", graded, "--skip-bad-rows", "--quiet");
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Equal(2, ReadJsonl(graded).Count);
        var rejected = ReadJsonl(graded + ".rejected.jsonl");
        Assert.Equal([2L, 4L], rejected.Select(r => r["line"]!.GetValue<long>()));
        Assert.Empty(Directory.GetFiles(_dir, ".tmp-*"));
    }

    [Fact]
    public async Task Lone_surrogates_and_bytes_that_are_not_UTF8_are_bad_rows_named_by_line_and_field_and_NUL_is_kept()
    {
        byte[][] lines =
        [
            Encoding.UTF8.GetBytes("""{"question": "A?", "answer": "#### 1", "completion": "#### 1"}"""),
            Encoding.UTF8.GetBytes("""{"question": "B?", "answer": "#### 2", "completion": "\ud800 #### 2"}"""),
            Encoding.UTF8.GetBytes("""{"question": "C?", "answer": "#### 3", "completion": "#### 3\u0000 and NUL"}"""),
            [.. Encoding.UTF8.GetBytes("""{"question": "D?", "answer": "#### 4", "completion": "#### 4 """), 0xFF, 0xFE, .. "\"}"u8],
            Encoding.UTF8.GetBytes("""{"question": "E?", "answer": "#### 5", "completion": "#### 6"}"""),
        ];
        var input = Path.Combine(_dir, "bytes.jsonl");
        await File.WriteAllBytesAsync(input, lines.SelectMany(l => l.Append((byte)'\n')).ToArray());
        var graded = Path.Combine(_dir, "bytes.out.parquet");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", input, "--output", graded);
        output.WriteLine(text);
        Assert.Equal(2, code);
        Assert.Contains("line 2, field 'completion'", text);
        Assert.Contains("surrogate", text);
        Assert.False(File.Exists(graded));

        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", input, "--output", graded, "--skip-bad-rows", "--quiet");
        output.WriteLine(text);
        Assert.Equal(0, code);
        var results = await ReadParquetAsync(graded);
        Assert.Equal(["A?", "C?", "E?"], results.Select(r => r["question"]!.GetValue<string>()));
        Assert.Equal(["passed", "passed", "failed"], results.Select(r => r["verdict"]!.GetValue<string>()));
        Assert.Equal("#### 3\0 and NUL", results[1]["completion"]!.GetValue<string>());
        var rejected = ReadJsonl(graded + ".rejected.jsonl");
        Assert.Equal([2L, 4L], rejected.Select(r => r["line"]!.GetValue<long>()));
        Assert.All(rejected, r => Assert.Equal("completion", r["field"]!.GetValue<string>()));
        Assert.Contains("surrogate", rejected[0]["reason"]!.GetValue<string>());
        Assert.Contains("not UTF-8", rejected[1]["reason"]!.GetValue<string>());
        // The set-aside line keeps its content, the escape as written.
        Assert.Contains("\\ud800 #### 2", rejected[0]["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rows_that_could_not_be_verified_are_counted_apart_from_failures_and_the_exit_code_is_1()
    {
        var rows = new List<JsonObject>
        {
            new() { ["question"] = "A?", ["answer"] = "#### 4", ["completion"] = "#### 4" },
            new() { ["question"] = "B?", ["answer"] = "#### 4", ["completion"] = "#### 5" },
            new() { ["question"] = "C?", ["answer"] = "#### 4", ["completion"] = "no idea" },
            // A gold solution without a final answer: the row cannot be judged, whatever its completion says.
            new() { ["question"] = "D?", ["answer"] = "the reference forgot its answer\n#### ", ["completion"] = "#### 4" },
        };
        var graded = Path.Combine(_dir, "unverified.out.jsonl");
        var summary = Path.Combine(_dir, "unverified.summary.json");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1),
            "grade", "--task", "gsm8k", "--input", Write("unverified.jsonl", rows), "--output", graded, "--summary", summary, "--quiet");
        output.WriteLine(text);

        Assert.Equal(1, code);
        Assert.Contains("1 of 4 rows could not be verified", text);
        Assert.Contains("passed 1 (25.0%), failed 2, unverified 1", text);
        var s = JsonNode.Parse(File.ReadAllText(summary))!;
        Assert.Equal(4, s["rows"]!.GetValue<long>());
        Assert.Equal(1, s["passed"]!.GetValue<long>());
        Assert.Equal(2, s["failed"]!.GetValue<long>());
        Assert.Equal(1, s["unverified"]!.GetValue<long>());
        Assert.Equal(1, s["verdicts"]!["sandbox_error"]!.GetValue<long>());
        // The graded rows are written all the same, the unverified one with its reason.
        var results = ReadJsonl(graded);
        Assert.Equal(["passed", "failed", "no_answer", "sandbox_error"], results.Select(r => r["verdict"]!.GetValue<string>()));
        Assert.Contains("gold", results[3]["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_task_or_a_missing_input_is_refused_with_code_2()
    {
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "poetry", "--input", Path.Combine(DataDir, "gsm8k-test.jsonl"), "--output", Path.Combine(_dir, "x.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains("poetry", text);
        (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", Path.Combine(_dir, "nope.jsonl"), "--output", Path.Combine(_dir, "x.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains("nope.jsonl", text);
    }

    [Fact]
    public async Task Parquet_in_gives_Parquet_out_with_every_input_column()
    {
        var rows = ReadJsonl(Path.Combine(DataDir, "gsm8k-test.jsonl")).Take(20).Select((r, i) =>
        {
            var row = (JsonObject)r.DeepClone();
            row["completion"] = i % 2 == 0 ? r["answer"]!.GetValue<string>() : "#### -1";
            row["sample_id"] = i;
            row["temperature"] = 0.5;
            return row;
        }).ToList();
        var jsonl = Write("rows.jsonl", rows);
        var parquet = Path.Combine(_dir, "rows.parquet");
        Assert.Equal(0, (await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", jsonl, "--output", parquet, "--quiet")).ExitCode);

        // The graded Parquet file is itself a valid input: grade it again into Parquet.
        var again = Path.Combine(_dir, "again.parquet");
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "grade", "--task", "gsm8k", "--input", parquet, "--output", again, "--quiet");
        output.WriteLine(text);
        Assert.Equal(0, code);
        var results = await ReadParquetAsync(again);
        Assert.Equal(rows.Count, results.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i]["question"]!.GetValue<string>(), results[i]["question"]!.GetValue<string>());
            Assert.Equal(i, results[i]["sample_id"]!.GetValue<long>());
            Assert.Equal(0.5, results[i]["temperature"]!.GetValue<double>());
            Assert.Equal(i % 2 == 0 ? 1.0 : 0.0, results[i]["reward"]!.GetValue<double>());
        }
    }

    private string Write(string name, IEnumerable<JsonObject> rows)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, rows.Select(r => r.ToJsonString()));
        return path;
    }

    private static List<JsonObject> ReadJsonl(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream);
        var rows = new List<JsonObject>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) rows.Add((JsonObject)JsonNode.Parse(line)!);
        }
        return rows;
    }

    private static async Task<List<JsonObject>> ReadParquetAsync(string path)
    {
        var rows = new List<JsonObject>();
        await foreach (var row in ReSTEM.Storage.Tables.ParquetRows.ReadAsync(path)) rows.Add(row.Fields);
        return rows;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Leave it to the system's temp cleaning.
        }
    }
}
