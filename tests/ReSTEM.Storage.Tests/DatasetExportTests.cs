using System.Text.Json;
using ReSTEM.Storage.Export;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Storage.Tests;

public sealed class DatasetExportTests
{
    private static async Task<RunLayout> RunWithDataAsync(TempDir dir)
    {
        var layout = new RunLayout(dir.Path);
        await new TableStore(layout).WriteTrainSetAsync(1,
        [
            new TrainRow { Iteration = 1, ProblemId = "p1", SampleIndex = 2, Prompt = "Q1\n", Completion = "A1 \"quoted\"\n#### 3", Reward = 1 },
            new TrainRow { Iteration = 1, ProblemId = "p2", SampleIndex = 0, Prompt = "Q2\n", Completion = "A2", Reward = 1 },
        ]);
        var samples = new SampleStore(layout);
        await samples.WritePartAsync(1,
        [
            Sample("p2", 0, 1), Sample("p2", 1, 0), Sample("p1", 2, 1), Sample("p1", 3, 1), Sample("p1", 0, 0),
        ]);
        return layout;
    }

    private static SampleRow Sample(string problem, int index, float reward) => new()
    {
        RunId = "r", Iteration = 1, ProblemId = problem, SampleIndex = index, Prompt = $"prompt {problem}", Completion = $"completion {problem} {index}",
        Reward = reward, Verdict = reward > 0 ? "passed" : "failed", CheckpointId = "iter-0-x", FinishReason = "eos",
    };

    [Fact]
    public async Task D_i_exports_as_parquet_with_prompt_and_completion_columns()
    {
        using var dir = new TempDir();
        var layout = await RunWithDataAsync(dir);
        var export = new DatasetExport(layout);
        var path = Path.Combine(dir.Path, "out", "d1.parquet");

        await DatasetExport.WriteAsync(path, await export.RowsAsync(1, allAccepted: false), ExportFormat.Parquet);

        var back = await ParquetFile.ReadAsync<ExportRow>(path);
        Assert.Equal(["p1", "p2"], back.Select(r => r.ProblemId));
        Assert.Equal("A1 \"quoted\"\n#### 3", back[0].Completion);
        Assert.Equal("Q1\n", back[0].Prompt);
        Assert.All(back, r => Assert.Equal(1, r.Iteration));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, AtomicFile.TempPrefix + "*"));
    }

    [Fact]
    public async Task All_accepted_exports_every_rewarded_sample_and_no_other()
    {
        using var dir = new TempDir();
        var export = new DatasetExport(await RunWithDataAsync(dir));

        var rows = await export.RowsAsync(1, allAccepted: true);

        Assert.Equal([("p1", 2), ("p1", 3), ("p2", 0)], rows.Select(r => (r.ProblemId, r.SampleIndex)));
        Assert.All(rows, r => Assert.Equal(1f, r.Reward));
    }

    [Fact]
    public async Task Hf_format_is_jsonl_with_user_and_assistant_messages()
    {
        using var dir = new TempDir();
        var export = new DatasetExport(await RunWithDataAsync(dir));
        var path = Path.Combine(dir.Path, "d1.jsonl");

        await DatasetExport.WriteAsync(path, await export.RowsAsync(1, allAccepted: false), ExportFormat.Hf);

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var messages = first.RootElement.GetProperty("messages");
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("Q1\n", messages[0].GetProperty("content").GetString());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal("A1 \"quoted\"\n#### 3", messages[1].GetProperty("content").GetString());
        Assert.Equal("p1", first.RootElement.GetProperty("problem_id").GetString());
        Assert.Equal(1, first.RootElement.GetProperty("reward").GetSingle());
    }

    [Fact]
    public async Task Jsonl_format_has_no_messages_column()
    {
        using var dir = new TempDir();
        var export = new DatasetExport(await RunWithDataAsync(dir));
        var path = Path.Combine(dir.Path, "d1.jsonl");

        await DatasetExport.WriteAsync(path, await export.RowsAsync(1, allAccepted: true), ExportFormat.Jsonl);

        var objects = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, objects.Count);
        Assert.All(objects, o => Assert.False(o.TryGetProperty("messages", out _)));
        Assert.Equal("completion p1 2", objects[0].GetProperty("completion").GetString());
    }

    [Fact]
    public async Task Missing_iterations_are_known_before_reading()
    {
        using var dir = new TempDir();
        var export = new DatasetExport(await RunWithDataAsync(dir));

        Assert.False(export.Has(2, allAccepted: false));
        Assert.False(export.Has(2, allAccepted: true));
        Assert.Equal([1], export.Available(allAccepted: false));
        await Assert.ThrowsAsync<FileNotFoundException>(() => export.RowsAsync(2, allAccepted: false));
    }
}
