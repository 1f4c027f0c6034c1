using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ReSTEM.Core.Verification;
using ReSTEM.Sandbox.Linux;

namespace ReSTEM.Sandbox;

/// <summary>
/// Probes the machine and makes a <see cref="PythonSandbox"/>: finds bubblewrap, the slot users
/// and the cgroup hierarchy, runs a trial program to prove the isolation works (uid, no
/// capabilities, no new privileges, no inherited descriptors), and reports every protection
/// that is off on standard error, once per process. It never falls back to running programs
/// unsandboxed: without bubblewrap and namespaces it throws <see cref="SandboxUnavailableException"/>.
/// </summary>
public static class SandboxFactory
{
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string TrialProgram =
        "import os\n" +
        "s=open('/proc/self/status').read()\n" +
        "f=lambda k:[l.split(':',1)[1].strip() for l in s.splitlines() if l.startswith(k+':')][0]\n" +
        "print(os.getuid(),f('NoNewPrivs'),f('CapEff'),f('CapBnd'),sorted(int(x) for x in os.listdir('/proc/self/fd')))\n";

    private static readonly ConcurrentDictionary<string, byte> s_warned = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes a sandbox with <paramref name="options"/> (defaults when null). Protections that are
    /// off are written to <paramref name="warn"/> (standard error when null), each once per process.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="SandboxUnavailableException">Programs cannot be sandboxed on this machine.</exception>
    public static PythonSandbox Create(SandboxOptions? options = null, Action<string>? warn = null)
    {
        options ??= new SandboxOptions();
        options.Validate();
        warn ??= message => Console.Error.WriteLine(message);
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxUnavailableException("the sandbox needs Linux namespaces; this is " + RuntimeInformation.OSDescription);
        }
        Require(options.BubblewrapPath, "bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; ./run.sh installs it)");
        Require(options.PythonPath, "the Python interpreter (Debian/Ubuntu: apt-get install python3)");

        var root = Native.geteuid() == 0;
        var protections = new List<SandboxProtection>();
        var identities = SlotIdentities(options, root, protections);

        ICgroupTree? cgroups = null;
        var cgroupVersion = "none";
        var cgroupProtections = new List<SandboxProtection>();
        cgroups = MakeCgroups(options, warn, ref cgroupVersion, cgroupProtections);
        var memoryCgroup = cgroupProtections.Any(p => p.Name == "memory limit" && p.Active);
        var pidsCgroup = cgroupProtections.Any(p => p.Name == "process limit" && p.Active);

        // Sandbox processes orphaned by a killed bubblewrap come to this process, which reaps them.
        if (!OrphanReaper.BecomeSubreaper())
        {
            warn("sandbox: cannot become a child subreaper (prctl); orphaned sandbox processes are left to PID 1");
        }
        var spawner = new Spawner();
        // Two cgroups per slot: a run in one while the slot prepares its next sandbox in the other.
        var slotCgroups = new List<ISlotCgroup?[]>();
        try
        {
            for (var i = 0; i < options.Slots; i++)
            {
                var name = "slot" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                slotCgroups.Add([cgroups?.CreateSlot(name + "a"), cgroups?.CreateSlot(name + "b")]);
            }
            var disableUserns = BubblewrapSupports(options.BubblewrapPath, "--disable-userns");
            var seccomp = SeccompFilter.Supported ? SeccompFilter.Build() : null;
            var failures = new List<string>();
            foreach (var userNamespace in IsolationModes(options, root))
            {
                if (!userNamespace && !File.Exists(SetprivPath))
                {
                    failures.Add($"root mode needs {SetprivPath} (util-linux)");
                    continue;
                }
                var slots = new List<SandboxSlot>();
                for (var i = 0; i < options.Slots; i++)
                {
                    var identity = userNamespace ? identities[i] : identities[i] with { Name = null };
                    var layout = new SandboxLayout(options, userNamespace, disableUserns, memoryCgroup, pidsCgroup, identity.Uid, identity.Gid);
                    slots.Add(new SandboxSlot(i, options, identity, slotCgroups[i], memoryCgroup, layout, spawner, seccomp));
                }
                var trial = Trial(slots[0], identities[0]);
                if (trial.Error != null)
                {
                    foreach (var slot in slots)
                    {
                        slot.DiscardPrepared();
                    }
                    failures.Add((userNamespace ? "user-namespace mode: " : "root mode: ") + trial.Error);
                    continue;
                }
                protections.AddRange(IsolationProtections(userNamespace, disableUserns, trial.FdsClean, failures));
                protections.AddRange(cgroupProtections);
                protections.AddRange(LimitProtections(options));
                var report = new SandboxReport { Protections = protections, CgroupVersion = cgroupVersion, UserNamespace = userNamespace };
                foreach (var off in report.Missing)
                {
                    var line = $"restem sandbox: WARNING: protection OFF: {off.Name}: {off.Detail}";
                    if (s_warned.TryAdd(line, 0))
                    {
                        warn(line);
                    }
                }
                return new PythonSandbox(options, report, spawner, cgroups, slots);
            }
            throw new SandboxUnavailableException("bubblewrap cannot build a sandbox on this machine: " + string.Join(" | ", failures));
        }
        catch
        {
            foreach (var pair in slotCgroups)
            {
                foreach (var slot in pair)
                {
                    slot?.Dispose();
                }
            }
            cgroups?.Dispose();
            spawner.Dispose();
            throw;
        }
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new SandboxUnavailableException($"{path} not found: the sandbox needs {what}");
        }
    }

    private static IEnumerable<bool> IsolationModes(SandboxOptions options, bool root)
    {
        if (options.PreferUserNamespace || !root)
        {
            yield return true;
        }
        if (root)
        {
            yield return false;
        }
    }

    private static SlotIdentity[] SlotIdentities(SandboxOptions options, bool root, List<SandboxProtection> protections)
    {
        var identities = new SlotIdentity[options.Slots];
        if (!root)
        {
            var self = new SlotIdentity(null, (int)Native.geteuid(), (int)Native.geteuid());
            Array.Fill(identities, self);
            protections.Add(new SandboxProtection("dedicated non-root uid per slot", false,
                $"the service is not root, so every slot runs as the service's own uid {self.Uid} (its files are reachable only where bound into the sandbox)"));
            return identities;
        }
        var missing = new List<string>();
        var nobody = SlotIdentity.Find("nobody");
        for (var i = 0; i < options.Slots; i++)
        {
            var name = options.SlotUserPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var identity = SlotIdentity.Find(name);
            if (identity == null || identity.Uid == 0)
            {
                missing.Add(name);
                identity = nobody ?? throw new SandboxUnavailableException($"user {name} does not exist and there is no 'nobody' user: run ./run.sh as root once to create the slot users");
            }
            identities[i] = identity;
        }
        protections.Add(missing.Count == 0
            ? new SandboxProtection("dedicated non-root uid per slot", true, $"slots run as {identities[0].Name} (uid {identities[0].Uid}) .. {identities[^1].Name} (uid {identities[^1].Uid})")
            : new SandboxProtection("dedicated non-root uid per slot", false,
                $"users {string.Join(", ", missing)} do not exist (run ./run.sh as root once); those slots share 'nobody' (uid {nobody!.Uid})"));
        return identities;
    }

    private static ICgroupTree? MakeCgroups(SandboxOptions options, Action<string> warn, ref string version, List<SandboxProtection> protections)
    {
        var mounts = CgroupMounts.Read();
        var mode = options.Cgroups;
        if (mode == SandboxCgroupMode.Auto)
        {
            mode = mounts.V1("memory") != null || mounts.V1("pids") != null ? SandboxCgroupMode.V1 : SandboxCgroupMode.V2;
        }
        string why;
        ICgroupTree? tree = null;
        switch (mode)
        {
            case SandboxCgroupMode.V1:
                tree = CgroupV1Tree.TryCreate(options, mounts, out why);
                version = "v1";
                break;
            case SandboxCgroupMode.V2:
                tree = CgroupV2Tree.TryCreate(options, mounts, out why, warn);
                version = "v2";
                break;
            default:
                why = "cgroups were switched off (SandboxOptions.Cgroups = Off)";
                break;
        }
        if (tree == null)
        {
            version = "none";
            protections.Add(new SandboxProtection("memory limit", false, $"no cgroup ({why}); falls back to RLIMIT_AS = {options.MemoryMB} MiB per process"));
            protections.Add(new SandboxProtection("process limit", false, $"no cgroup ({why}); falls back to RLIMIT_NPROC = {options.MaxProcesses + 2} for the slot uid (shared by every process of that uid)"));
            protections.Add(new SandboxProtection("CPU accounting", false, $"no cgroup ({why}); CPU time is limited per process only"));
            return null;
        }
        protections.AddRange(tree.Protections);
        return tree;
    }

    private static IEnumerable<SandboxProtection> IsolationProtections(bool userNamespace, bool disableUserns, bool fdsClean, List<string> failures)
    {
        yield return new SandboxProtection("namespaces", true,
            (userNamespace ? "unprivileged bubblewrap in a user namespace" : "bubblewrap as root, then setpriv to the slot uid") + "; new pid, net, ipc, uts, mount and cgroup namespaces"
            + (failures.Count > 0 ? " (" + string.Join("; ", failures) + ")" : ""));
        yield return new SandboxProtection("no network", true, "own network namespace with only a loopback device");
        yield return new SandboxProtection("read-only system, private /tmp", true, "/usr and the library links read-only, new root read-only, fresh size-limited tmpfs on /tmp and /dev/shm per run; no /home, /root, /etc secrets, /sys");
        yield return new SandboxProtection("no capabilities, no new privileges", true, "verified by a trial run: CapEff and CapBnd empty, NoNewPrivs set");
        yield return userNamespace && disableUserns
            ? new SandboxProtection("nested user namespaces disabled", true, "bubblewrap --disable-userns")
            : new SandboxProtection("nested user namespaces disabled", false,
                userNamespace ? "this bubblewrap has no --disable-userns (0.8+ has it)" : "root mode: programs may create user namespaces where the kernel allows it");
        yield return new SandboxProtection("whole process tree killed", true,
            "SIGKILL to the PID-namespace init kills every process in it" + (PidHandle.Supported ? " (via pidfd, safe from pid reuse)" : " (pidfd unavailable: plain kill)") + ", then the slot cgroup is swept");
        yield return new SandboxProtection("service descriptors and environment hidden", fdsClean,
            fdsClean ? "only fds 0-2 reach the program; environment cleared" : "the trial program saw descriptors beyond 0-2");
        yield return new SandboxProtection("service killed, sandboxes die", true, "bubblewrap --die-with-parent, started from one long-lived thread");
        yield return SeccompFilter.Supported
            ? new SandboxProtection("system-call filter (seccomp)", true,
                $"{SeccompFilter.Denied.Count} system calls refused with EPERM (ptrace, bpf, io_uring, userfaultfd, perf_event_open, keyrings, mounts, namespaces, modules, ...); 32-bit and x32 calls refused")
            : new SandboxProtection("system-call filter (seccomp)", false, "the filter is built for x86-64 only; on this architecture the program can make any system call the namespaces and uid allow");
    }

    private static IEnumerable<SandboxProtection> LimitProtections(SandboxOptions options)
    {
        yield return new SandboxProtection("CPU time limit", true, $"RLIMIT_CPU {options.CpuSeconds} s per process (SIGXCPU, then SIGKILL a second later)");
        yield return new SandboxProtection("wall-clock limit", true, $"{options.WallSeconds} s per run, then the whole tree is killed");
        yield return new SandboxProtection("file size limit", true, $"RLIMIT_FSIZE {options.MaxFileSizeBytes} bytes; /tmp holds at most {options.TmpSizeMB} MiB");
        yield return new SandboxProtection("open files limit", true, $"RLIMIT_NOFILE {options.OpenFiles}");
        yield return new SandboxProtection("output limit", true, $"{options.MaxOutputBytes} bytes on stdout and on stderr, then the run is killed");
        yield return new SandboxProtection("no core dumps", true, "RLIMIT_CORE 0");
    }

    private static bool BubblewrapSupports(string bubblewrap, string flag)
    {
        try
        {
            var info = new ProcessStartInfo(bubblewrap, "--help") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return text.Contains(flag, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static (string? Error, bool FdsClean) Trial(SandboxSlot slot, SlotIdentity identity)
    {
        var result = slot.RunAsync(new ProgramRun { Source = TrialProgram, WallTimeout = TimeSpan.FromSeconds(30) }, null, CancellationToken.None).GetAwaiter().GetResult();
        if (result.Outcome != ProgramOutcome.Exited || result.ExitCode != 0)
        {
            return ($"trial run ended {result.Outcome} (exit {result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}): {result.Detail} {result.StderrTail.Trim()}".Trim(), false);
        }
        var fields = result.StdoutText.Trim().Split(' ', 5);
        if (fields.Length < 5)
        {
            return ($"trial run printed '{result.StdoutText.Trim()}'", false);
        }
        if (fields[0] == "0")
        {
            return ("the program ran as root", false);
        }
        if (identity.Name != null && fields[0] != identity.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return ($"the program ran as uid {fields[0]}, not the slot's {identity.Uid}", false);
        }
        if (fields[1] != "1" || fields[2].Trim('0').Length != 0 || fields[3].Trim('0').Length != 0)
        {
            return ($"the program kept privileges (NoNewPrivs {fields[1]}, CapEff {fields[2]}, CapBnd {fields[3]})", false);
        }
        return (null, fields[4] == "[0, 1, 2, 3]");
    }
}
