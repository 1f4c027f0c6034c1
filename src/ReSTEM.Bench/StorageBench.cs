using System.Diagnostics;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Bench;

/// <summary>
/// <c>storage</c>: sample rows written per second to Parquet parts (as the E-step's writer writes
/// them), and the cost of resume's scan of a run with many sample rows (time and memory).
/// Usage: <c>storage [--rows N] [--part-rows R] [--dir D]</c> (default 1,000,000 rows in parts of 512).
/// </summary>
internal static class StorageBench
{
    public static int Run(string[] args)
    {
        var rows = (int)BenchArguments.Number(args, "--rows", 1_000_000);
        var partRows = (int)BenchArguments.Number(args, "--part-rows", 512);
        var dir = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "restem-storage-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"# storage benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {rows:N0} rows in parts of {partRows}, folder {dir}");
        var layout = new RunLayout(dir);
        var store = new SampleStore(layout);
        var random = new Random(1);
        var completion = string.Join("\n", Enumerable.Range(0, 6).Select(i => $"Ann buys {i}: Ann {i}+{i}={2 * i}, Ben 7"));
        try
        {
            var clock = Stopwatch.StartNew();
            for (var written = 0; written < rows; written += partRows)
            {
                var part = Enumerable.Range(written, Math.Min(partRows, rows - written)).Select(i => new SampleRow
                {
                    RunId = "bench",
                    Iteration = 1,
                    ProblemId = $"arith-train-{i / 8:D6}",
                    SampleIndex = i % 8,
                    Seed = random.NextInt64(),
                    Prompt = $"Ann has {i % 30} apples and Ben has 7 apples. Ann buys 3 more apples. How many apples do Ann and Ben have now?\n",
                    Completion = completion,
                    Reward = i % 3 == 0 ? 1 : 0,
                    Verdict = i % 3 == 0 ? "passed" : "failed",
                    Reason = i % 3 == 0 ? "" : "answer 1, 2 is not 3, 4",
                    ExtractedAnswer = "1, 2",
                    PromptTokens = 120,
                    CompletionTokens = completion.Length,
                    CheckpointId = "iter-0-0123456789ab",
                    GenerateMs = 1234.5f,
                    VerifyMs = 0.2f,
                    FinishReason = "eos",
                    Difficulty = 3,
                    Accepted = i % 3 == 0,
                }).ToList();
                store.WritePartAsync(1, part).GetAwaiter().GetResult();
            }
            var writeSeconds = clock.Elapsed.TotalSeconds;
            var bytes = store.PartFiles(1).Sum(p => new FileInfo(p).Length);
            Console.WriteLine($"write: {rows:N0} rows in {writeSeconds:F1} s = {rows / writeSeconds:N0} rows/s ({bytes / 1e6:F1} MB on disk, {bytes / (double)rows:F0} bytes/row; every part flushed to disk and renamed)");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(true);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var rssBefore = process.WorkingSet64;
            var allocatedBefore = GC.GetTotalAllocatedBytes(true);
            clock.Restart();
            var scan = store.ScanAsync(1).GetAwaiter().GetResult();
            var sealedCount = scan.Sealed(8).Count;
            var scanSeconds = clock.Elapsed.TotalSeconds;
            var live = GC.GetTotalMemory(false) - before;
            process.Refresh();
            Console.WriteLine($"resume scan: {scan.Rows:N0} rows in {scan.Parts.Count:N0} parts, {sealedCount:N0} sealed problems in {scanSeconds:F2} s; "
                + $"live managed memory of the result {live / 1e6:F0} MB, allocated {(GC.GetTotalAllocatedBytes(true) - allocatedBefore) / 1e6:F0} MB, RSS {rssBefore / 1e6:F0} -> {process.WorkingSet64 / 1e6:F0} MB");
            GC.KeepAlive(scan);
            return 0;
        }
        finally
        {
            if (!args.Contains("--keep")) Directory.Delete(dir, recursive: true);
        }
    }
}
