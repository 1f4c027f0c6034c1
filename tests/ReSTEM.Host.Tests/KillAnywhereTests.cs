using Xunit.Abstractions;

namespace ReSTEM.Host.Tests;

/// <summary>
/// The durability promise, tested the hard way: the host is SIGKILLed at moments spread over
/// every phase of a tiny run, restarted with the same command each time, and the finished run
/// must be exactly what an uninterrupted run's invariants demand.
/// </summary>
public sealed class KillAnywhereTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string TinyConfig = Path.Combine(ConfigurationTests.RepositoryRoot(), "hocon", "tiny.conf");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-kill-" + Guid.NewGuid().ToString("N")[..10]);

    // Each kill waits for one of these to appear (in a later start than the last kill), then a random moment more;
    // a mark whose phase an earlier start already finished is passed over.
    private static readonly string[] Marks =
    [
        "training: human solutions",
        "[iter 0] evaluating",
        "[sft baseline] baseline",
        "[sft baseline] evaluating",
        "[iter 1] sampling",
        "[iter 1] sampling:",
        "[iter 1] training",
        "[iter 1] evaluating",
        "[iter 2] sampling",
        "[iter 2] evaluating",
    ];

    [Fact]
    public async Task A_run_killed_at_random_moments_in_every_phase_finishes_whole_and_counts_nothing_twice()
    {
        var runDir = Path.Combine(_root, "killed");
        var random = new Random(Environment.TickCount);
        var kills = 0;
        var next = 0;
        while (next < Marks.Length)
        {
            using var child = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", runDir);
            // A phase finished in an earlier start prints nothing in this one, so the kill goes at the
            // first of the marks still ahead that this start does print.
            var found = await child.WaitForAnyOutputAsync(Marks[next..], TimeSpan.FromMinutes(3));
            if (found < 0)
            {
                await child.WaitAsync(TimeSpan.FromMinutes(3));
                output.WriteLine($"--- none of the marks from '{Marks[next]}' on printed in this start; it ran to the end");
                break;
            }
            var mark = Marks[next + found];
            next += found + 1;
            await Task.Delay(random.Next(0, 1500));
            if (child.HasExited) continue;
            child.Signal("KILL");
            await child.WaitAsync(TimeSpan.FromSeconds(30));
            kills++;
            output.WriteLine($"--- killed after '{mark}'");
        }
        Assert.True(kills >= 5, $"only {kills} kills happened");

        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(5), "run", "--config", TinyConfig, "--run-dir", runDir);
        output.WriteLine(text);
        Assert.Equal(0, code);
        await RunChecks.AssertCompleteAsync(runDir, TinyConfig);
    }

    [Fact]
    public async Task A_second_process_on_the_same_run_is_refused()
    {
        var runDir = Path.Combine(_root, "locked");
        using var first = RestemProcess.Start("run", "--config", TinyConfig, "--run-dir", runDir);
        Assert.True(await first.WaitForOutputAsync("building-base", TimeSpan.FromMinutes(2)), first.Output);
        var (code, text) = await RestemProcess.RunAsync(TimeSpan.FromMinutes(1), "run", "--config", TinyConfig, "--run-dir", runDir);
        Assert.Equal(2, code);
        Assert.Contains("another restem process", text);
        first.Signal("KILL");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Nothing to remove, or a file still held: the temp folder is cleaned by the system.
        }
    }
}
