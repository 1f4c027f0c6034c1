using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Tests;

/// <summary>
/// Hostile programs against the bare runner: each ends in bounded time with the right outcome,
/// and the host and the next run are unaffected.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class AdversarialRunTests(SandboxFixture fixture)
{
    private async Task NextRunIsHealthy()
    {
        var result = await fixture.RunAsync("print(sum(range(10)))");
        Assert.Equal(ProgramOutcome.Exited, result.Outcome);
        Assert.Equal("45\n", result.StdoutText);
    }

    [Fact]
    public async Task Fork_bomb_is_contained_and_killed_at_the_wall_limit()
    {
        var source = """
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """;
        var stopwatch = Stopwatch.StartNew();
        var result = await fixture.RunAsync(source, wallSeconds: 2);
        Assert.Equal(ProgramOutcome.Timeout, result.Outcome);
        Assert.Contains("wall-clock", result.Detail);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), stopwatch.Elapsed.ToString());
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Infinite_loop_hits_the_cpu_limit()
    {
        var result = await fixture.RunAsync("while True:\n    pass", cpuSeconds: 1, wallSeconds: 20);
        Assert.Equal(ProgramOutcome.Timeout, result.Outcome);
        Assert.Contains("CPU", result.Detail);
        Assert.InRange(result.Wall.TotalSeconds, 0.9, 15);
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Ignoring_sigxcpu_does_not_escape_the_cpu_limit()
    {
        var result = await fixture.RunAsync("import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass", cpuSeconds: 1, wallSeconds: 20);
        Assert.Equal(ProgramOutcome.Timeout, result.Outcome);
        Assert.Contains("CPU", result.Detail);
        Assert.InRange(result.Wall.TotalSeconds, 1.5, 15);
    }

    [Fact]
    public async Task Sleeping_forever_hits_the_wall_limit()
    {
        var result = await fixture.RunAsync("import time\ntime.sleep(10**6)", wallSeconds: 1);
        Assert.Equal(ProgramOutcome.Timeout, result.Outcome);
        Assert.InRange(result.Wall.TotalSeconds, 0.9, 5);
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Ten_gigabyte_allocation_hits_the_memory_limit()
    {
        var result = await fixture.RunAsync("x = b'x' * (10 * 2**30)\nprint(len(x))", wallSeconds: 20);
        Assert.Equal(ProgramOutcome.MemoryLimit, result.Outcome);
        Assert.Equal("", result.StdoutText);
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Filling_tmp_is_bounded()
    {
        var source = """
            try:
                with open('/tmp/big', 'wb') as f:
                    for _ in range(64):
                        f.write(b'x' * 2**20)
                print('wrote 64 MiB')
            except OSError as e:
                print('refused', e.errno)
            """;
        var result = await fixture.RunAsync(source);
        Assert.StartsWith("refused", result.StdoutText);
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Writing_outside_tmp_fails_everywhere()
    {
        var source = """
            import os
            ok = []
            for path in ['/x', '/usr/x', '/usr/lib/x', '/etc/x', '/bin/x', '/proc/x', '/dev/x', '/tmp/../x']:
                try:
                    with open(path, 'w') as f:
                        f.write('x')
                    ok.append(path)
                except OSError:
                    pass
            with open('/tmp/fine', 'w') as f:
                f.write('x')
            print(ok)
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("[]\n", result.StdoutText);
    }

    [Fact]
    public async Task Host_secrets_are_not_visible()
    {
        var source = """
            import os
            seen = []
            for path in ['/etc/shadow', '/etc/passwd', '/root', '/home', '/work', '/sys', '/var', '/run']:
                if os.path.exists(path):
                    seen.append(path)
            print(seen)
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("[]\n", result.StdoutText);
    }

    [Fact]
    public async Task Service_environment_is_not_visible()
    {
        const string secret = "restem-test-secret-4f1c9a";
        Environment.SetEnvironmentVariable("RESTEM_TEST_SECRET", secret);
        try
        {
            var source = """
                import os
                found = [k for k, v in os.environ.items() if 'restem-test-secret' in v]
                for pid in [p for p in os.listdir('/proc') if p.isdigit()] + ['self', '1']:
                    try:
                        if b'restem-test-secret' in open(f'/proc/{pid}/environ', 'rb').read():
                            found.append(pid)
                    except OSError:
                        pass
                print(found)
                """;
            var result = await fixture.RunAsync(source);
            Assert.Equal("[]\n", result.StdoutText);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RESTEM_TEST_SECRET", null);
        }
    }

    [Fact]
    public async Task Connecting_to_a_host_listener_reaches_nothing()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var source = $$"""
                import socket
                results = []
                for host in ['127.0.0.1', '10.0.2.2', '1.1.1.1']:
                    s = socket.socket()
                    s.settimeout(1)
                    try:
                        s.connect((host, {{port}}))
                        s.sendall(b'leak')
                        results.append('connected ' + host)
                    except OSError as e:
                        results.append('refused')
                print(results)
                """;
            var result = await fixture.RunAsync(source);
            Assert.Equal("['refused', 'refused', 'refused']\n", result.StdoutText);
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Printing_a_gigabyte_hits_the_output_limit()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await fixture.RunAsync("import sys\nchunk = 'x' * 2**20\nfor _ in range(1024):\n    sys.stdout.write(chunk)");
        Assert.Equal(ProgramOutcome.OutputLimit, result.Outcome);
        Assert.True(result.Stdout.Length <= SandboxFixture.Options.MaxOutputBytes);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), stopwatch.Elapsed.ToString());
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Flooding_stderr_hits_the_output_limit()
    {
        var result = await fixture.RunAsync("import sys\nwhile True:\n    sys.stderr.write('e' * 65536)");
        Assert.Equal(ProgramOutcome.OutputLimit, result.Outcome);
        Assert.Contains("standard error", result.Detail);
        Assert.True(result.StderrTail.Length <= 4096);
    }

    [Fact]
    public async Task Killing_the_parent_and_everything_else_harms_only_the_program()
    {
        var source = """
            import os, signal
            for target in [os.getppid(), 1, -1]:
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            print('still here')
            """;
        var result = await fixture.RunAsync(source);
        Assert.NotEqual(ProgramOutcome.SandboxError, result.Outcome);
        await NextRunIsHealthy();
    }

    [Fact]
    public async Task Double_forked_daemon_does_not_survive_the_run()
    {
        var marker = "restem-daemon-" + Guid.NewGuid().ToString("N");
        var source = $$"""
            import os, sys
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv('/usr/bin/python3', ['/usr/bin/python3', '-c', 'import time; time.sleep(600)', '{{marker}}'])
                os._exit(0)
            os.wait()
            print('parent done')
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("parent done\n", result.StdoutText);
        Assert.Empty(ProcessesWithMarker(marker));
    }

    [Fact]
    public async Task Daemon_of_a_timed_out_run_does_not_survive_either()
    {
        var marker = "restem-daemon-" + Guid.NewGuid().ToString("N");
        var source = $$"""
            import os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv('/usr/bin/python3', ['/usr/bin/python3', '-c', 'import time; time.sleep(600)', '{{marker}}'])
                os._exit(0)
            time.sleep(600)
            """;
        var result = await fixture.RunAsync(source, wallSeconds: 1.5);
        Assert.Equal(ProgramOutcome.Timeout, result.Outcome);
        Assert.Empty(ProcessesWithMarker(marker));
    }

    [Fact]
    public async Task Too_many_open_files_fail_inside_the_program()
    {
        var source = """
            files = []
            try:
                for _ in range(10000):
                    files.append(open('/dev/null'))
            except OSError as e:
                print('limited at', len(files) < 100)
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal("limited at True\n", result.StdoutText);
    }

    [Fact]
    public async Task Nested_user_namespaces_are_refused_when_reported_so()
    {
        var result = await fixture.RunAsync("import subprocess\nprint(subprocess.run(['/usr/bin/unshare', '-U', '/usr/bin/true']).returncode)");
        var disabled = fixture.Sandbox.Report.Protections.Single(p => p.Name == "nested user namespaces disabled").Active;
        if (disabled)
        {
            Assert.NotEqual("0\n", result.StdoutText);
        }
        Assert.Equal(ProgramOutcome.Exited, result.Outcome);
    }

    [Fact]
    public async Task Kernel_interfaces_unit_tests_never_need_are_refused()
    {
        var filter = fixture.Sandbox.Report.Protections.Single(p => p.Name == "system-call filter (seccomp)");
        var source = """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            out = []
            # ptrace(PTRACE_TRACEME) and unshare(0) succeed without the filter; the others fail differently.
            for nr in [101, 272, 321, 323, 425, 298, 250, 165, 308]:
                ctypes.set_errno(0)
                result = libc.syscall(nr, 0, 0, 0, 0, 0)
                out.append((nr, result, ctypes.get_errno()))
            print(out)
            """;
        var result = await fixture.RunAsync(source);
        Assert.Equal(ProgramOutcome.Exited, result.Outcome);
        if (filter.Active)
        {
            Assert.Equal("[(101, -1, 1), (272, -1, 1), (321, -1, 1), (323, -1, 1), (425, -1, 1), (298, -1, 1), (250, -1, 1), (165, -1, 1), (308, -1, 1)]\n", result.StdoutText);
        }
    }

    private static List<int> ProcessesWithMarker(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
