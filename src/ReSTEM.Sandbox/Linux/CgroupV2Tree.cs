using System.Globalization;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Slot cgroups on cgroup v2: <c>{own cgroup}/{CgroupName}/p{pid}-{n}/{name}</c> in the unified
/// hierarchy. v2 forbids enabling controllers for the children of a cgroup that holds processes
/// (except at the root), so when the service's own cgroup holds processes they are first moved
/// into a leaf <c>{own cgroup}/restem-service</c>, as container init systems do.
/// </summary>
internal sealed class CgroupV2Tree : ICgroupTree
{
    private const int Ebusy = 16;
    private static int s_instances;
    private readonly SandboxOptions _options;
    private readonly string _instanceDir;
    private readonly string _relativeInstance;
    private readonly List<SandboxProtection> _protections = [];
    private bool _memory;
    private bool _pids;

    private CgroupV2Tree(SandboxOptions options, string instanceDir, string relativeInstance)
    {
        _options = options;
        _instanceDir = instanceDir;
        _relativeInstance = relativeInstance;
    }

    public IReadOnlyList<SandboxProtection> Protections => _protections;

    /// <summary>Sets the tree up under the service's own cgroup, or returns null with the reason.</summary>
    public static CgroupV2Tree? TryCreate(SandboxOptions options, CgroupMounts mounts, out string why, Action<string> log)
    {
        why = "";
        if (mounts.V2 == null)
        {
            why = "no cgroup v2 hierarchy is mounted";
            return null;
        }
        var own = OwnCgroup();
        var parent = mounts.V2 + (own == "/" ? "" : own);
        var instanceName = $"p{Environment.ProcessId}-{Interlocked.Increment(ref s_instances)}";
        var root = Path.Combine(parent, options.CgroupName);
        var relativeRoot = (own == "/" ? "" : own) + "/" + options.CgroupName;
        var tree = new CgroupV2Tree(options, Path.Combine(root, instanceName), relativeRoot + "/" + instanceName);
        try
        {
            var available = ReadWords(Path.Combine(parent, "cgroup.controllers"));
            var wanted = new[] { "memory", "pids" }.Where(available.Contains).ToArray();
            string? enableError = null;
            if (wanted.Length > 0)
            {
                enableError = EnableControllers(parent, wanted, log);
            }
            Directory.CreateDirectory(root);
            CgroupFiles.RemoveStaleInstances(root, relativeRoot);
            if (wanted.Length > 0 && enableError == null)
            {
                enableError = CgroupFiles.TryWrite(Path.Combine(root, "cgroup.subtree_control"), string.Join(' ', wanted.Select(c => "+" + c)));
            }
            Directory.CreateDirectory(tree._instanceDir);
            if (wanted.Length > 0 && enableError == null)
            {
                enableError = CgroupFiles.TryWrite(Path.Combine(tree._instanceDir, "cgroup.subtree_control"), string.Join(' ', wanted.Select(c => "+" + c)));
            }
            var enabled = enableError == null ? wanted.ToHashSet() : [];
            tree._memory = enabled.Contains("memory");
            tree._pids = enabled.Contains("pids");
            var reason = enableError ?? $"controller not available in {parent}/cgroup.controllers (not delegated to this service)";
            tree._protections.Add(tree._memory
                ? new SandboxProtection("memory limit", true, $"cgroup v2 memory.max = {options.MemoryMB} MiB per run, no swap, OOM kills the whole run")
                : new SandboxProtection("memory limit", false, "cgroup v2 memory controller unusable: " + reason));
            tree._protections.Add(tree._pids
                ? new SandboxProtection("process limit", true, $"cgroup v2 pids.max = {options.MaxProcesses} (+2 for bubblewrap) per run")
                : new SandboxProtection("process limit", false, "cgroup v2 pids controller unusable: " + reason));
            tree._protections.Add(new SandboxProtection("CPU accounting", true, "cgroup v2 cpu.stat usage_usec (total CPU of the process tree)"));
            return tree;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"cannot create cgroups under {parent}: {e.Message}";
            tree.Dispose();
            return null;
        }
    }

    public ISlotCgroup CreateSlot(string name)
    {
        var dir = Path.Combine(_instanceDir, name);
        Directory.CreateDirectory(dir);
        var slot = new Slot(dir, $"{_relativeInstance}/{name}");
        slot.KillAll(TimeSpan.FromSeconds(2));
        if (_memory)
        {
            CgroupFiles.Write(Path.Combine(dir, "memory.max"), ((long)_options.MemoryMB << 20).ToString(CultureInfo.InvariantCulture));
            CgroupFiles.TryWrite(Path.Combine(dir, "memory.swap.max"), "0");
            // One OOM kill takes the whole run down: a half-killed process tree only wastes time.
            CgroupFiles.TryWrite(Path.Combine(dir, "memory.oom.group"), "1");
        }
        if (_pids)
        {
            CgroupFiles.Write(Path.Combine(dir, "pids.max"), (_options.MaxProcesses + 2).ToString(CultureInfo.InvariantCulture));
        }
        return slot;
    }

    public void Dispose()
    {
        if (Directory.Exists(_instanceDir))
        {
            foreach (var slotDir in Directory.GetDirectories(_instanceDir))
            {
                new Slot(slotDir, $"{_relativeInstance}/{Path.GetFileName(slotDir)}").KillAll(TimeSpan.FromSeconds(2));
            }
        }
        CgroupFiles.RemoveTree(_instanceDir);
    }

    /// <summary>The service's own cgroup path in the unified hierarchy (the <c>0::</c> line).</summary>
    private static string OwnCgroup()
    {
        foreach (var line in File.ReadLines("/proc/self/cgroup"))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
            {
                return line[3..].Length == 0 ? "/" : line[3..];
            }
        }
        return "/";
    }

    private static HashSet<string> ReadWords(string path) =>
        File.Exists(path) ? File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet() : [];

    private static string? EnableControllers(string parent, string[] controllers, Action<string> log)
    {
        var enabled = ReadWords(Path.Combine(parent, "cgroup.subtree_control"));
        var missing = controllers.Where(c => !enabled.Contains(c)).ToArray();
        if (missing.Length == 0)
        {
            return null;
        }
        var request = string.Join(' ', missing.Select(c => "+" + c));
        var subtree = Path.Combine(parent, "cgroup.subtree_control");
        var error = CgroupFiles.TryWrite(subtree, request);
        if (error == null || !error.Contains(Describe(Ebusy), StringComparison.Ordinal))
        {
            return error;
        }
        // "Device or resource busy": the cgroup holds processes (only the real root is exempt; a
        // container's namespace root is not). Move them into a leaf, then retry.
        var leaf = Path.Combine(parent, "restem-service");
        Directory.CreateDirectory(leaf);
        var moved = 0;
        foreach (var pid in ProcFs.CgroupProcs(parent))
        {
            if (CgroupFiles.TryWrite(Path.Combine(leaf, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture)) == null)
            {
                moved++;
            }
        }
        log($"moved {moved} process(es) from {parent} into {leaf} so that cgroup v2 controllers can be enabled for sandbox slots");
        return CgroupFiles.TryWrite(subtree, request);
    }

    private static string Describe(int errno) => Native.Describe(errno);

    private sealed class Slot(string dir, string relativePath) : ISlotCgroup
    {
        private long _oomBaseline;
        private long _cpuBaseline;
        private FileStream? _peak;

        public void Attach(int pid) => CgroupFiles.Write(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

        public void BeginRun()
        {
            _oomBaseline = CgroupFiles.ReadKey(Path.Combine(dir, "memory.events"), "oom_kill") ?? 0;
            _cpuBaseline = CgroupFiles.ReadKey(Path.Combine(dir, "cpu.stat"), "usage_usec") ?? 0;
            _peak?.Dispose();
            _peak = null;
            // Since Linux 6.12 writing to memory.peak restarts the peak for the writing file description.
            try
            {
                var peak = new FileStream(Path.Combine(dir, "memory.peak"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
                peak.Write("reset"u8);
                _peak = peak;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        public CgroupUsage ReadUsage()
        {
            var oom = (CgroupFiles.ReadKey(Path.Combine(dir, "memory.events"), "oom_kill") ?? _oomBaseline) - _oomBaseline;
            TimeSpan? cpu = CgroupFiles.ReadKey(Path.Combine(dir, "cpu.stat"), "usage_usec") is { } us ? TimeSpan.FromMicroseconds(us - _cpuBaseline) : null;
            long? peak = null;
            if (_peak != null)
            {
                try
                {
                    _peak.Position = 0;
                    var buffer = new byte[32];
                    var n = _peak.Read(buffer);
                    peak = long.TryParse(System.Text.Encoding.ASCII.GetString(buffer, 0, n).Trim(), CultureInfo.InvariantCulture, out var value) ? value : null;
                }
                catch (IOException)
                {
                }
            }
            return new CgroupUsage(oom, peak, cpu);
        }

        public bool KillAll(TimeSpan timeout)
        {
            var killFile = Path.Combine(dir, "cgroup.kill");
            if (File.Exists(killFile) && CgroupFiles.TryWrite(killFile, "1") == null)
            {
                var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                while (ProcFs.CgroupProcs(dir).Count > 0)
                {
                    if (Environment.TickCount64 > deadline)
                    {
                        return false;
                    }
                    Thread.Sleep(1);
                }
                return true;
            }
            return CgroupFiles.KillByPid([dir], relativePath, timeout);
        }

        public void Dispose()
        {
            _peak?.Dispose();
            KillAll(TimeSpan.FromSeconds(2));
            CgroupFiles.RemoveTree(dir);
        }
    }
}
