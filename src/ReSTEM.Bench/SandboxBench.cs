using System.Diagnostics;
using System.Globalization;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Sandbox;

namespace ReSTEM.Bench;

/// <summary>
/// <c>sandbox</c>: runs per second of our way of running a program against a baseline on this
/// machine in this run, sequentially and with one run per slot in parallel: the sandbox
/// against a bare <c>/usr/bin/python3 -I</c>, and the two-process function-test judge (bare and
/// sandboxed) against the public harness's way, program and tests in one plain interpreter.
/// The two sides' rounds alternate so that load from elsewhere hits both alike; each figure is
/// the median over rounds.
/// Usage: <c>sandbox [--seconds S] [--rounds R] [--slots N]</c>.
/// </summary>
internal static class SandboxBench
{
    private const string Python = "/usr/bin/python3";

    // A typical HumanEval-style candidate: prompt (signature + docstring), completion, tests with check().
    internal static readonly Problem Candidate = new()
    {
        Id = "bench/running_max",
        Question = "from typing import List\n\n\ndef running_max(numbers: List[int]) -> List[int]:\n    \"\"\" From a list of integers, return the list of running maxima.\n    >>> running_max([1, 3, 2, 5])\n    [1, 3, 3, 5]\n    \"\"\"\n",
        Tests = new CodeTests
        {
            Style = CodeTestStyle.Function,
            EntryPoint = "running_max",
            PrependQuestion = true,
            Test = "\n\nMETADATA = {'author': 'restem', 'dataset': 'bench'}\n\n\ndef check(candidate):\n" +
                   "    assert candidate([]) == []\n    assert candidate([1, 2, 3, 4]) == [1, 2, 3, 4]\n" +
                   "    assert candidate([4, 3, 2, 1]) == [4, 4, 4, 4]\n    assert candidate([3, 2, 3, 100, 3]) == [3, 3, 3, 100, 100]\n" +
                   "    assert candidate([-5, -3, -4]) == [-5, -3, -3]\n    assert candidate(list(range(1000)))[-1] == 999\n",
        },
    };

    internal const string Completion = "    result = []\n    best = None\n    for n in numbers:\n        best = n if best is None else max(best, n)\n        result.append(best)\n    return result\n";

    public static int Run(string[] args)
    {
        var seconds = BenchArguments.Number(args, "--seconds", 3.0);
        var rounds = (int)BenchArguments.Number(args, "--rounds", 5);
        var slots = (int)BenchArguments.Number(args, "--slots", Environment.ProcessorCount);
        using var sandbox = SandboxFactory.Create(new SandboxOptions { Slots = slots });
        Console.WriteLine($"# sandbox benchmark: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.MachineName}, {Environment.ProcessorCount} cores, {Describe()}");
        Console.WriteLine($"# {seconds} s per measurement, {rounds} alternating rounds, median shown; slots = {slots}; cgroup {sandbox.Report.CgroupVersion}, user namespace {sandbox.Report.UserNamespace}");

        var verifier = new FunctionTestVerifier(sandbox);
        // The same harness and input the verifier sends into the sandbox.
        var harnessInput = PythonHarness.FunctionInput(PythonHarness.NewToken(), "", Candidate.Question, Candidate.Question + Completion, Candidate.Tests!.Test!, Candidate.Tests.EntryPoint!);
        // The judge bare starts from its compiled form, as it does in the sandbox (one compilation per sandbox).
        var compiledHarness = Path.Combine(Path.GetTempPath(), $"restem-harness-{Environment.ProcessId}.marshal");
        Compile(PythonHarness.FunctionSource, compiledHarness);
        // The public HumanEval harness's way: program, tests and check() in one plain interpreter.
        var plain = Candidate.Question + Completion + Candidate.Tests.Test + $"\ncheck({Candidate.Tests.EntryPoint})\nprint(' PASS')\n";
        var workloads = new (string Name, Func<Task> Ours, Func<Task> Baseline)[]
        {
            ("trivial program (`pass`): sandboxed vs bare",
                async () => Expect(await sandbox.RunAsync(new ProgramRun { Source = "pass" }, CancellationToken.None), r => r.Outcome == ProgramOutcome.Exited && r.ExitCode == 0),
                () => Bare(["-I", "-c", "pass"], [])),
            ("HumanEval-style candidate: judge and candidate processes, bare vs one plain process, bare",
                () => Bare(["-I", "-c", $"import marshal\nexec(marshal.loads(open('{compiledHarness}', 'rb').read()))"], harnessInput),
                () => Bare(["-I", "-c", plain], [], expectPass: true)),
            ("HumanEval-style candidate: `FunctionTestVerifier` in the sandbox vs one plain process, bare",
                async () => Expect(await verifier.VerifyAsync(Candidate, Completion, CancellationToken.None), r => r.Verdict == Verdict.Passed),
                () => Bare(["-I", "-c", plain], [], expectPass: true)),
        };

        Console.WriteLine();
        Console.WriteLine("| workload: ours vs baseline | mode | baseline runs/s | ours runs/s | ours ms/run | baseline ms/run | cost (ours / baseline) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (name, ours, baseline) in workloads)
        {
            foreach (var parallel in new[] { 1, slots })
            {
                // Warm both paths (JIT, page cache) before measuring.
                Measure(ours, parallel, 0.5);
                Measure(baseline, parallel, 0.5);
                var bareRates = new List<double>();
                var boxRates = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    bareRates.Add(Measure(baseline, parallel, seconds));
                    boxRates.Add(Measure(ours, parallel, seconds));
                }
                var b = Median(bareRates);
                var s = Median(boxRates);
                var mode = parallel == 1 ? "sequential" : $"{parallel} in parallel";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {mode} | {b:F1} | {s:F1} | {1000 * parallel / s:F1} | {1000 * parallel / b:F1} | {b / s:F2}x |"));
            }
        }
        File.Delete(compiledHarness);
        return 0;
    }

    private static double Measure(Func<Task> work, int parallel, double seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var done = 0;
        var workers = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            while (stopwatch.Elapsed.TotalSeconds < seconds)
            {
                await work();
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        Task.WaitAll(workers);
        return done / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task Bare(string[] arguments, byte[] stdin, bool expectPass = false)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || ((expectPass || stdin.Length > 0) && !(await stdout).Contains(" PASS", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("the bare run failed: " + await stderr);
        }
    }

    private static void Compile(string source, string path)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-I", "-c", $"import marshal,sys\nopen('{path}', 'wb').write(marshal.dumps(compile(sys.stdin.read(), '/tmp/main.py', 'exec')))" })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        process.StandardInput.Write(source);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("could not compile the harness");
        }
    }

    private static void Expect<T>(T result, Func<T, bool> ok)
    {
        if (!ok(result))
        {
            throw new InvalidOperationException("the sandboxed run failed: " + result);
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    private static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        return (cpu ?? "unknown CPU") + ", " + System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }
}
