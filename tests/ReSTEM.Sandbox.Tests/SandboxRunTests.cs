using System.Diagnostics;
using System.Text;
using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Tests;

/// <summary>What a well-behaved program sees and gets back.</summary>
[Collection(SandboxCollection.Name)]
public sealed class SandboxRunTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Program_reads_its_stdin_and_its_output_comes_back()
    {
        var result = await fixture.RunAsync("import sys\nprint('hello', sys.stdin.read())", stdin: "world");
        Assert.Equal(ProgramOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello world\n", result.StdoutText);
    }

    [Fact]
    public async Task Stdin_after_the_program_text_reaches_every_way_of_reading_it()
    {
        var source = "import os,sys\na=os.read(0,3)\nb=sys.stdin.buffer.read(3)\nc=input()\nprint(a,b,c,sys.stdin.read())";
        var result = await fixture.RunAsync(source, stdin: "abcdef12345\nrest");
        Assert.Equal("b'abc' b'def' 12345 rest\n", result.StdoutText);
        var whole = await fixture.RunAsync("print(open(0).read())", stdin: "all of it");
        Assert.Equal("all of it\n", whole.StdoutText);
    }

    [Fact]
    public async Task Large_stdin_arrives_whole()
    {
        var input = new string('x', 5_000_000);
        var result = await fixture.RunAsync("import sys\nprint(len(sys.stdin.read()))", stdin: input);
        Assert.Equal("5000000\n", result.StdoutText);
    }

    [Fact]
    public async Task Exit_code_and_traceback_are_reported()
    {
        var result = await fixture.RunAsync("x = 1\nraise ValueError('boom')\n");
        Assert.Equal(ProgramOutcome.Exited, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ValueError: boom", result.StderrTail);
        Assert.Contains("raise ValueError('boom')", result.StderrTail);
    }

    [Fact]
    public async Task Program_runs_as_main_with_a_non_root_uid_and_no_privileges()
    {
        var source = """
            import os
            s = open('/proc/self/status').read()
            f = lambda k: [l.split(':', 1)[1].strip() for l in s.splitlines() if l.startswith(k + ':')][0]
            print(__name__, os.getuid(), os.getgid(), os.getgroups(), f('CapEff'), f('CapBnd'), f('CapPrm'), f('NoNewPrivs'))
            """;
        var result = await fixture.RunAsync(source);
        var fields = result.StdoutText.Trim().Split(' ');
        Assert.Equal("__main__", fields[0]);
        Assert.NotEqual("0", fields[1]);
        Assert.NotEqual("0", fields[2]);
        Assert.All(fields[^4..^1], caps => Assert.Matches("^0+$", caps));
        Assert.Equal("1", fields[^1]);
    }

    [Fact]
    public async Task Program_sees_no_host_processes_no_inherited_descriptors_and_an_empty_environment()
    {
        var source = """
            import os
            pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
            print(len(pids) <= 3, sorted(int(f) for f in os.listdir('/proc/self/fd')), sorted(os.environ))
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("True [0, 1, 2, 3] ['HOME', 'LANG', 'PATH', 'PWD', 'TMPDIR']\n", result.StdoutText);
    }

    [Fact]
    public async Task Everyday_python_works_inside_the_limits()
    {
        var source = """
            import threading, multiprocessing, subprocess, select, socket, tempfile, os, json, re, math, random, time
            results = []
            t = threading.Thread(target=lambda: results.append(sum(range(1000))))
            t.start(); t.join()
            with multiprocessing.Pool(2) as pool:
                results.append(sum(pool.map(abs, [-1, -2, -3])))
            results.append(subprocess.run(['/usr/bin/echo', 'hi'], capture_output=True, text=True).stdout.strip())
            a, b = socket.socketpair()
            a.sendall(b'x'); results.append(b.recv(1))
            with tempfile.NamedTemporaryFile('w+') as f:
                f.write('data'); f.flush(); f.seek(0); results.append(f.read())
            results.append(json.dumps({'k': re.sub('a', 'b', 'aa')}))
            time.sleep(0.01)
            print(results)
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("[499500, 6, 'hi', b'x', 'data', '{\"k\": \"bb\"}']\n", result.StdoutText);
    }

    [Fact]
    public async Task Tmp_is_private_per_run()
    {
        var first = await fixture.RunAsync("open('/tmp/left-behind', 'w').write('x')\nprint('ok')");
        Assert.Equal("ok\n", first.StdoutText);
        var second = await fixture.RunAsync("import os\nprint(os.path.exists('/tmp/left-behind'))");
        Assert.Equal("False\n", second.StdoutText);
    }

    [Fact]
    public async Task Report_lists_the_protections_and_this_machine_has_the_important_ones()
    {
        var report = fixture.Sandbox.Report;
        foreach (var name in new[] { "namespaces", "no network", "read-only system, private /tmp", "no capabilities, no new privileges", "whole process tree killed", "CPU time limit", "wall-clock limit", "output limit" })
        {
            Assert.True(report.Protections.Single(p => p.Name == name).Active, name);
        }
        var seccomp = report.Protections.Single(p => p.Name == "system-call filter (seccomp)");
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64, seccomp.Active);
        Assert.Equal(report.Missing.Count(), report.Missing.Select(m => m.Name).Distinct().Count());
        Assert.Contains("[on ] namespaces", report.ToString());
    }

    [Fact]
    public async Task Slots_run_in_parallel_each_with_its_own_uid()
    {
        var stopwatch = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, 8).Select(_ => fixture.RunAsync("import os,time\ntime.sleep(1)\nprint(os.getuid())")).ToArray();
        var results = await Task.WhenAll(runs);
        stopwatch.Stop();
        Assert.All(results, r => Assert.Equal(ProgramOutcome.Exited, r.Outcome));
        Assert.Equal(2, results.Select(r => r.StdoutText).Distinct().Count());
        // Eight one-second programs on two slots: four rounds; never more than two at once, and never one at a time.
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 3.9, 7.9);
    }

    [Fact]
    public async Task Cancellation_kills_the_program_and_throws()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await fixture.Sandbox.RunAsync(new ProgramRun { Source = "import time\ntime.sleep(60)" }, cancel.Token));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), stopwatch.Elapsed.ToString());
        Assert.Equal("ok\n", (await fixture.RunAsync("print('ok')")).StdoutText);
    }

    [Fact]
    public async Task Measures_cpu_and_memory_where_cgroups_allow()
    {
        var result = await fixture.RunAsync("x = bytearray(50 * 2**20)\nfor i in range(0, len(x), 4096): x[i] = 1\nprint('ok')");
        Assert.Equal("ok\n", result.StdoutText);
        if (fixture.Sandbox.Report.CgroupVersion != "none")
        {
            Assert.True(result.Cpu > TimeSpan.Zero);
        }
        // cgroup v1 always reports the peak; v2 only where memory.peak can be reset (Linux 6.12+).
        if (fixture.Sandbox.Report.CgroupVersion == "v1" || result.PeakMemoryBytes != null)
        {
            Assert.InRange(result.PeakMemoryBytes ?? 0, 50L << 20, 256L << 20);
        }
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new SandboxOptions { Slots = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new SandboxOptions { MemoryMB = 8 }.Validate());
        Assert.Throws<ArgumentException>(() => new SandboxOptions { TmpSizeMB = 1024, MemoryMB = 512 }.Validate());
        Assert.Throws<ArgumentException>(() => new SandboxOptions { PythonPath = "python3" }.Validate());
        Assert.Throws<ArgumentException>(() => new SandboxOptions { CgroupName = "../escape" }.Validate());
        Assert.Throws<ArgumentException>(() => new SandboxOptions { ExtraReadOnlyPaths = ["/"] }.Validate());
        var error = Assert.Throws<ArgumentException>(() => new SandboxOptions { WallSeconds = -1 }.Validate());
        Assert.Contains("WallSeconds", error.Message);
        new SandboxOptions().Validate();
    }

    [Fact]
    public void A_missing_interpreter_is_an_error_not_an_unsandboxed_run()
    {
        var error = Assert.Throws<SandboxUnavailableException>(() => SandboxFactory.Create(SandboxFixture.Options with { PythonPath = "/nonexistent/python3" }));
        Assert.Contains("/nonexistent/python3", error.Message);
    }

    internal static string Utf8(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
