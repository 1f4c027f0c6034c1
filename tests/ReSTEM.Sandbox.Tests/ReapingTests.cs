using System.Globalization;
using ReSTEM.Core.Verification;
using ReSTEM.Sandbox.Linux;

namespace ReSTEM.Sandbox.Tests;

/// <summary>
/// Every process a sandbox causes is reaped: after many runs that end every way a run can end
/// (exit, failure, wall-clock and CPU timeouts, fork bombs, runs cancelled from outside), no
/// zombie and no leftover process of this process's sandboxes remains, whoever PID 1 is.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class ReapingTests
{
    private const string ForkBomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";

    [Fact]
    public async Task A_thousand_runs_of_every_kind_leave_no_zombie_and_no_process_behind()
    {
        var options = SandboxFixture.Options with { CgroupName = "restem-reaping-tests", MaxProcesses = 16 };
        var before = ProcessTree.Descendants(Environment.ProcessId);
        var sandbox = SandboxFactory.Create(options, _ => { });
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var mostZombies = 0;
        try
        {
            for (var round = 0; round < 100; round++)
            {
                // Ten runs per round, two at a time (the sandbox has two slots).
                var batch = new List<Task<(string Kind, ProgramRunResult? Result)>>();
                // A CPU-limit run costs a whole CPU second: one round in five has one.
                var kinds = new[] { "pass", "pass", "fail", "pass", "wall", "bomb", "pass", "cancel", "pass", round % 5 == 0 ? "cpu" : "pass" };
                foreach (var kind in kinds)
                {
                    batch.Add(RunAsync(sandbox, kind));
                    if (batch.Count % 2 == 0)
                    {
                        await Task.WhenAll(batch.TakeLast(2));
                    }
                }
                foreach (var (kind, result) in await Task.WhenAll(batch))
                {
                    Assert.True(Expected(kind, result), $"{kind}: {result?.Outcome} exit {result?.ExitCode} {result?.Detail}");
                    outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                }
                mostZombies = Math.Max(mostZombies, ProcessTree.ZombieChildren(Environment.ProcessId).Count);
            }
        }
        finally
        {
            await sandbox.DisposeAsync();
        }

        Assert.Equal(1000, outcomes.Values.Sum());
        Assert.Equal(580, outcomes["pass"]);
        Assert.Equal(20, outcomes["cpu"]);
        Assert.Equal(100, outcomes["wall"]);
        Assert.Equal(100, outcomes["bomb"]);
        Assert.Equal(100, outcomes["cancel"]);
        // A killed sandbox's init may be a zombie for a moment before it is reaped; never many.
        Assert.InRange(mostZombies, 0, 2 * options.Slots);
        await Eventually(() => ProcessTree.ZombieChildren(Environment.ProcessId).Count == 0 && OrphanReaper.Watching == 0,
            () => $"zombie children: {string.Join(", ", ProcessTree.ZombieChildren(Environment.ProcessId))}; still watched: {OrphanReaper.Watching}");
        // Other sandboxes of this test process (the collection's) were there before and are left alone.
        Assert.DoesNotContain(ProcessTree.Descendants(Environment.ProcessId), pid => !before.Contains(pid) && ProcessTree.Command(pid) is "bwrap" or "python3");
    }

    [Fact]
    public async Task An_orphan_that_comes_to_this_process_is_reaped()
    {
        Assert.True(OrphanReaper.BecomeSubreaper());
        // The shell leaves a sleeper behind and exits: the sleeper is re-parented to this process.
        var info = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "sleep 60 >/dev/null 2>&1 & echo $!"]) { RedirectStandardOutput = true };
        using var shell = System.Diagnostics.Process.Start(info)!;
        var pid = int.Parse((await shell.StandardOutput.ReadToEndAsync()).Trim(), CultureInfo.InvariantCulture);
        await shell.WaitForExitAsync();
        var orphan = PidHandle.Open(pid);
        Assert.NotNull(orphan);
        await Eventually(() => ProcessTree.Children(Environment.ProcessId).Contains(pid), () => $"{pid} was not re-parented here");
        orphan.Kill();
        // Killed, it is a zombie of this process until someone waits for it: .NET never would.
        await Eventually(() => ProcessTree.State(pid) == 'Z', () => $"{pid} is in state {ProcessTree.State(pid)}");
        OrphanReaper.Watch(orphan);
        await Eventually(() => !Directory.Exists($"/proc/{pid}"), () => $"{pid} is still there in state {ProcessTree.State(pid)}");
    }

    private static async Task<(string, ProgramRunResult?)> RunAsync(PythonSandbox sandbox, string kind)
    {
        var run = kind switch
        {
            "pass" => new ProgramRun { Source = "print(sum(range(1000)))" },
            "fail" => new ProgramRun { Source = "raise SystemExit(3)" },
            "wall" => new ProgramRun { Source = "import time\ntime.sleep(60)", WallTimeout = TimeSpan.FromSeconds(0.2) },
            "cpu" => new ProgramRun { Source = "while True:\n    pass", CpuTimeout = TimeSpan.FromSeconds(1), WallTimeout = TimeSpan.FromSeconds(10) },
            "bomb" => new ProgramRun { Source = ForkBomb, WallTimeout = TimeSpan.FromSeconds(0.3) },
            _ => new ProgramRun { Source = "import time\ntime.sleep(60)" },
        };
        if (kind != "cancel")
        {
            return (kind, await sandbox.RunAsync(run, CancellationToken.None));
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        try
        {
            return (kind, await sandbox.RunAsync(run, cancel.Token));
        }
        catch (OperationCanceledException)
        {
            return (kind, null);
        }
    }

    private static bool Expected(string kind, ProgramRunResult? result) => kind switch
    {
        "pass" => result is { Outcome: ProgramOutcome.Exited, ExitCode: 0 },
        "fail" => result is { Outcome: ProgramOutcome.Exited, ExitCode: 3 },
        "wall" or "cpu" or "bomb" => result is { Outcome: ProgramOutcome.Timeout },
        _ => result is null,
    };

    private static async Task Eventually(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, describe());
            await Task.Delay(50);
        }
    }
}
