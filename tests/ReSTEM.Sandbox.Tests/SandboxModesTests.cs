using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Tests;

/// <summary>The other ways the sandbox can be set up: root mode, cgroup v2, no cgroups; and its cgroup housekeeping.</summary>
public sealed class SandboxModesTests
{
    private static SandboxOptions Options(string cgroupName) => SandboxFixture.Options with { Slots = 1, CgroupName = cgroupName };

    private static async Task<ProgramRunResult> Run(PythonSandbox sandbox, string source, double wall = 6) =>
        await sandbox.RunAsync(new ProgramRun { Source = source, WallTimeout = TimeSpan.FromSeconds(wall) }, CancellationToken.None);

    private const string Identity = """
        import os
        s = open('/proc/self/status').read()
        f = lambda k: [l.split(':', 1)[1].strip() for l in s.splitlines() if l.startswith(k + ':')][0]
        ok = []
        for path in ['/x', '/usr/x', '/tmp/x']:
            try:
                open(path, 'w').write('x')
                ok.append(path)
            except OSError:
                pass
        print(os.getuid(), f('CapEff'), f('CapBnd'), f('NoNewPrivs'), ok, os.path.exists('/etc/shadow'))
        """;

    [Fact]
    public async Task Root_mode_drops_to_the_slot_uid_without_privileges()
    {
        await using var sandbox = SandboxFactory.Create(Options("restem-sandbox-tests-root") with { PreferUserNamespace = false }, _ => { });
        Assert.False(sandbox.Report.UserNamespace);
        var result = await Run(sandbox, Identity);
        var fields = result.StdoutText.Trim().Split(' ', 5);
        Assert.NotEqual("0", fields[0]);
        Assert.Matches("^0+$", fields[1]);
        Assert.Matches("^0+$", fields[2]);
        Assert.Equal("1", fields[3]);
        Assert.Equal("['/tmp/x'] False", fields[4]);
    }

    [Fact]
    public async Task Cgroup_v2_mode_runs_and_kills_whole_trees()
    {
        if (!Directory.Exists("/sys/fs/cgroup/unified") && !File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            // No cgroup v2 hierarchy on this machine: the factory must say so instead of pretending.
            await using var none = SandboxFactory.Create(Options("restem-sandbox-tests-v2") with { Cgroups = SandboxCgroupMode.V2 }, _ => { });
            Assert.Equal("none", none.Report.CgroupVersion);
            return;
        }
        var warnings = new List<string>();
        await using var sandbox = SandboxFactory.Create(Options("restem-sandbox-tests-v2") with { Cgroups = SandboxCgroupMode.V2 }, warnings.Add);
        Assert.Equal("v2", sandbox.Report.CgroupVersion);
        var memory = sandbox.Report.Protections.Single(p => p.Name == "memory limit");
        var result = await Run(sandbox, "import os\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(600)\nprint('parent')");
        Assert.Equal("parent\n", result.StdoutText);
        Assert.True(result.Cpu > TimeSpan.Zero);
        var slow = await Run(sandbox, "import time\ntime.sleep(60)", wall: 1);
        Assert.Equal(ProgramOutcome.Timeout, slow.Outcome);
        if (!memory.Active)
        {
            // Controllers not delegated here (a hybrid hierarchy): said loudly, with RLIMIT_AS as the fallback.
            Assert.Contains(warnings, w => w.Contains("memory limit", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Without_cgroups_memory_falls_back_to_the_address_space_limit_and_says_so()
    {
        var warnings = new List<string>();
        await using var sandbox = SandboxFactory.Create(Options("restem-sandbox-tests-off") with { Cgroups = SandboxCgroupMode.Off }, warnings.Add);
        Assert.Equal("none", sandbox.Report.CgroupVersion);
        Assert.False(sandbox.Report.Protections.Single(p => p.Name == "memory limit").Active);
        var result = await Run(sandbox, "x = b'x' * (10 * 2**30)\nprint(len(x))");
        Assert.Equal(ProgramOutcome.MemoryLimit, result.Outcome);
        var fine = await Run(sandbox, "print('ok')");
        Assert.Equal("ok\n", fine.StdoutText);
    }

    [Fact]
    public async Task Warnings_are_given_once_per_process()
    {
        var first = new List<string>();
        var second = new List<string>();
        await using (SandboxFactory.Create(Options("restem-sandbox-tests-warn") with { Cgroups = SandboxCgroupMode.Off, TmpSizeMB = 3 }, first.Add))
        {
        }
        await using (SandboxFactory.Create(Options("restem-sandbox-tests-warn") with { Cgroups = SandboxCgroupMode.Off, TmpSizeMB = 3 }, second.Add))
        {
        }
        Assert.All(second, w => Assert.DoesNotContain(w, first));
    }

    [Fact]
    public async Task Slot_cgroups_are_removed_on_dispose_and_stale_ones_on_start()
    {
        const string name = "restem-sandbox-tests-stale";
        var mount = "/sys/fs/cgroup/pids";
        if (!Directory.Exists(mount) || Environment.UserName != "root")
        {
            return;
        }
        // A sandbox host that died without cleaning up: a pid that cannot exist.
        var stale = Path.Combine(mount, name, "p999999999-1", "slot0");
        Directory.CreateDirectory(stale);
        await using (var sandbox = SandboxFactory.Create(Options(name), _ => { }))
        {
            Assert.False(Directory.Exists(Path.GetDirectoryName(stale)));
            Assert.Contains(Directory.GetDirectories(Path.Combine(mount, name)), d => Path.GetFileName(d).StartsWith($"p{Environment.ProcessId}-", StringComparison.Ordinal));
            Assert.Equal("1\n", (await Run(sandbox, "print(1)")).StdoutText);
        }
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(mount, name)), d => Path.GetFileName(d).StartsWith($"p{Environment.ProcessId}-", StringComparison.Ordinal));
    }
}
