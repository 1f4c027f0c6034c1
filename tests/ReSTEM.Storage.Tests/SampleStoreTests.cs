using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Storage.Tests;

public sealed class SampleStoreTests
{
    private static SampleRow Row(int iteration, string problem, int index, float reward = 1f) => new()
    {
        RunId = "run-a",
        Iteration = iteration,
        ProblemId = problem,
        SampleIndex = index,
        Seed = 1000L * index + problem.Length,
        Prompt = $"Q {problem}\n",
        Completion = $"answer {index} for {problem}",
        Reward = reward,
        Verdict = reward > 0 ? "passed" : "failed",
        Reason = reward > 0 ? "" : "wrong answer",
        ExtractedAnswer = index % 2 == 0 ? $"{index}" : null,
        PromptTokens = 7,
        CompletionTokens = 12 + index,
        CheckpointId = "ckpt-0",
        GenerateMs = 1.5f,
        VerifyMs = 0.25f,
        FinishReason = "eos",
        Difficulty = 3,
        Accepted = reward > 0,
    };

    [Fact]
    public async Task Parts_round_trip_every_column()
    {
        using var dir = new TempDir();
        var store = new SampleStore(new RunLayout(dir.Path));
        var rows = Enumerable.Range(0, 4).Select(i => Row(1, "p1", i, i % 2)).ToList();
        var path = await store.WritePartAsync(1, rows);

        Assert.EndsWith("part-000001.parquet", path);
        var back = await ParquetFile.ReadAsync<SampleRow>(path);
        Assert.Equal(rows.Count, back.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equivalent(rows[i], back[i], strict: true);
        }
    }

    [Fact]
    public async Task Scan_reports_sealed_problems_and_duplicates()
    {
        using var dir = new TempDir();
        var store = new SampleStore(new RunLayout(dir.Path));
        await store.WritePartAsync(2, [Row(2, "a", 0), Row(2, "a", 1), Row(2, "b", 0)]);
        await store.WritePartAsync(2, [Row(2, "c", 0), Row(2, "c", 1), Row(2, "a", 1)]);

        var scan = await store.ScanAsync(2);

        Assert.Equal(2, scan.Parts.Count);
        Assert.Equal(6, scan.Rows);
        Assert.Equal(["a", "c"], scan.Sealed(2).Order());
        Assert.Equal([("a", 1)], scan.Duplicates);
    }

    [Fact]
    public async Task Leftover_temp_files_are_not_parts_and_are_removed()
    {
        using var dir = new TempDir();
        var layout = new RunLayout(dir.Path);
        var store = new SampleStore(layout);
        await store.WritePartAsync(1, [Row(1, "a", 0)]);
        File.WriteAllText(Path.Combine(layout.Samples(1), AtomicFile.TempPrefix + "abc-part-000002.parquet"), "half a file");

        Assert.Single(store.PartFiles(1));
        Assert.Empty(store.ForeignFiles(1));
        Directory.CreateDirectory(Path.Combine(dir.Path, AtomicFile.TempPrefix + "x-checkpoint"));
        Assert.Equal(2, RunFolder.RemoveLeftovers(layout));
        Assert.Single(Directory.GetFiles(layout.Samples(1)));
    }

    [Fact]
    public async Task A_truncated_part_is_reported_by_name()
    {
        using var dir = new TempDir();
        var store = new SampleStore(new RunLayout(dir.Path));
        var path = await store.WritePartAsync(1, [Row(1, "a", 0), Row(1, "a", 1)]);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<DamagedFileException>(() => store.ScanAsync(1));
        Assert.Equal(path, error.Path);
        Assert.Contains("--quarantine", error.Message);
    }

    [Fact]
    public async Task Foreign_files_are_listed()
    {
        using var dir = new TempDir();
        var layout = new RunLayout(dir.Path);
        var store = new SampleStore(layout);
        await store.WritePartAsync(1, [Row(1, "a", 0)]);
        File.WriteAllText(Path.Combine(layout.Samples(1), "notes.txt"), "hello");

        Assert.Equal([Path.Combine(layout.Samples(1), "notes.txt")], store.ForeignFiles(1));
    }

    [Fact]
    public async Task Part_numbers_continue_after_a_restart()
    {
        using var dir = new TempDir();
        await new SampleStore(new RunLayout(dir.Path)).WritePartAsync(1, [Row(1, "a", 0)]);
        var path = await new SampleStore(new RunLayout(dir.Path)).WritePartAsync(1, [Row(1, "b", 0)]);
        Assert.EndsWith("part-000002.parquet", path);
    }
}
