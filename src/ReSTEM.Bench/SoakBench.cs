using System.Diagnostics;
using System.Globalization;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Sandbox;

namespace ReSTEM.Bench;

/// <summary>
/// <c>soak</c>: many sandboxed verifications in one process, the way a days-long run makes
/// them: a mix of passes, failures, crashes, wall-clock timeouts, fork bombs and function-test
/// verifications through the two-process judge. Every interval it prints the rate, the
/// process's resident memory, open descriptors and threads, its descendant processes and its
/// zombie children, so a leak shows as a trend; at the end it waits for the last sandboxes to
/// be reaped and says whether any zombie or leftover process remains (exit 1 if so).
/// Usage: <c>soak [--runs N] [--slots N] [--interval SECONDS]</c>.
/// </summary>
internal static class SoakBench
{
    private const string Wrong = "    return sorted(numbers)\n";
    private const string ForkBomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";

    /// <summary>One hundred runs' worth of kinds; the soak cycles through it.</summary>
    private static readonly string[] s_mix = Enumerable.Repeat("pass", 55)
        .Concat(Enumerable.Repeat("exit", 10))
        .Concat(Enumerable.Repeat("judge-pass", 12))
        .Concat(Enumerable.Repeat("judge-fail", 8))
        .Concat(Enumerable.Repeat("crash", 5))
        .Concat(Enumerable.Repeat("timeout", 7))
        .Concat(Enumerable.Repeat("bomb", 3))
        .ToArray();

    public static int Run(string[] args)
    {
        var runs = (long)BenchArguments.Number(args, "--runs", 100_000);
        var slots = (int)BenchArguments.Number(args, "--slots", 2 * Environment.ProcessorCount);
        var interval = TimeSpan.FromSeconds(BenchArguments.Number(args, "--interval", 60));
        var options = new SandboxOptions { Slots = slots, MaxProcesses = 32, CgroupName = "restem-soak" };
        var sandbox = SandboxFactory.Create(options);
        var verifier = new FunctionTestVerifier(sandbox, new FunctionTestOptions { Timeout = TimeSpan.FromSeconds(5) });
        Console.WriteLine($"# soak: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.MachineName}, {Environment.ProcessorCount} cores, {runs} runs, {slots} slots, " +
                          $"cgroup {sandbox.Report.CgroupVersion}, user namespace {sandbox.Report.UserNamespace}");
        Console.WriteLine("# mix per 100 runs: " + string.Join(", ", s_mix.GroupBy(k => k).Select(g => $"{g.Count()} {g.Key}")));
        Console.WriteLine();
        Console.WriteLine("| elapsed | runs | runs/s (interval) | RSS MiB | open fds | threads | descendants | zombie children | unexpected |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        long next = -1;
        long done = 0;
        long unexpected = 0;
        var clock = Stopwatch.StartNew();
        var lastTime = TimeSpan.Zero;
        long lastDone = 0;
        var maxZombies = 0;
        var reporter = new Timer(_ =>
        {
            var now = clock.Elapsed;
            var count = Interlocked.Read(ref done);
            var zombies = Report(now, count, (count - lastDone) / (now - lastTime).TotalSeconds, Interlocked.Read(ref unexpected));
            maxZombies = Math.Max(maxZombies, zombies);
            lastTime = now;
            lastDone = count;
        }, null, interval, interval);

        var workers = Enumerable.Range(0, slots).Select(_ => Task.Run(async () =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                var kind = s_mix[(int)(i * 37 % s_mix.Length)];
                if (!await RunOne(sandbox, verifier, kind))
                {
                    Interlocked.Increment(ref unexpected);
                }
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        Task.WaitAll(workers);
        reporter.Dispose();
        var total = clock.Elapsed;
        Report(total, done, done / total.TotalSeconds, unexpected);
        sandbox.Dispose();

        // Killed sandboxes' inits are reaped within moments; give the last ones time.
        var settle = Stopwatch.StartNew();
        while ((ProcessTree.ZombieChildren(Environment.ProcessId).Count > 0 || ProcessTree.Descendants(Environment.ProcessId).Count > 0) && settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(50);
        }
        var leftZombies = ProcessTree.ZombieChildren(Environment.ProcessId).Count;
        var leftProcesses = ProcessTree.Descendants(Environment.ProcessId).Count;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# done: {done} runs in {total.TotalSeconds:F0} s ({done / total.TotalSeconds:F1}/s), {unexpected} with an unexpected verdict; " +
            $"most zombie children at a report {maxZombies}; after the sandbox was disposed: {leftZombies} zombie children, {leftProcesses} descendant processes"));
        return leftZombies == 0 && leftProcesses == 0 && unexpected == 0 ? 0 : 1;
    }

    private static async Task<bool> RunOne(PythonSandbox sandbox, FunctionTestVerifier verifier, string kind)
    {
        switch (kind)
        {
            case "judge-pass":
                return (await verifier.VerifyAsync(SandboxBench.Candidate, SandboxBench.Completion, CancellationToken.None)).Verdict == Verdict.Passed;
            case "judge-fail":
                return (await verifier.VerifyAsync(SandboxBench.Candidate, Wrong, CancellationToken.None)).Verdict == Verdict.Failed;
        }
        var run = kind switch
        {
            "pass" => new ProgramRun { Source = "print(sum(range(100)))" },
            "exit" => new ProgramRun { Source = "raise SystemExit(3)" },
            "crash" => new ProgramRun { Source = "import os\nos.kill(os.getpid(), 11)" },
            "timeout" => new ProgramRun { Source = "import time\ntime.sleep(30)", WallTimeout = TimeSpan.FromSeconds(0.2) },
            _ => new ProgramRun { Source = ForkBomb, WallTimeout = TimeSpan.FromSeconds(0.3) },
        };
        var result = await sandbox.RunAsync(run, CancellationToken.None);
        return kind switch
        {
            "pass" => result is { Outcome: ProgramOutcome.Exited, ExitCode: 0 },
            "exit" => result is { Outcome: ProgramOutcome.Exited, ExitCode: 3 },
            "crash" => result is { Outcome: ProgramOutcome.Exited, ExitCode: 128 + 11 },
            _ => result.Outcome == ProgramOutcome.Timeout,
        };
    }

    private static int Report(TimeSpan elapsed, long done, double rate, long unexpected)
    {
        using var self = Process.GetCurrentProcess();
        var fds = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        var zombies = ProcessTree.ZombieChildren(Environment.ProcessId).Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {elapsed:hh\\:mm\\:ss} | {done} | {rate:F1} | {self.WorkingSet64 / (1 << 20)} | {fds} | {self.Threads.Count} | {ProcessTree.Descendants(Environment.ProcessId).Count} | {zombies} | {unexpected} |"));
        return zombies;
    }
}
