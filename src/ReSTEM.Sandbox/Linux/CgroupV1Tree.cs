using System.Globalization;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Slot cgroups on cgroup v1: one directory per slot in each of the memory, pids and cpuacct
/// hierarchies, under <c>{mount}/{CgroupName}/p{pid}-{n}/{name}</c>. v1 has no rule against
/// processes in inner nodes, so the tree hangs off the hierarchy root.
/// </summary>
internal sealed class CgroupV1Tree : ICgroupTree
{
    private static int s_instances;
    private readonly SandboxOptions _options;
    private readonly string _instance;
    private readonly List<(string Controller, string InstanceDir)> _controllers = [];
    private readonly List<SandboxProtection> _protections = [];

    private CgroupV1Tree(SandboxOptions options)
    {
        _options = options;
        _instance = $"p{Environment.ProcessId}-{Interlocked.Increment(ref s_instances)}";
    }

    public IReadOnlyList<SandboxProtection> Protections => _protections;

    /// <summary>The path of a slot cgroup below each hierarchy's root, as <c>/proc/PID/cgroup</c> shows it.</summary>
    internal string RelativeSlotPath(string name) => $"/{_options.CgroupName}/{_instance}/{name}";

    /// <summary>Sets the tree up, or returns null with the reason when neither memory nor pids is usable.</summary>
    public static CgroupV1Tree? TryCreate(SandboxOptions options, CgroupMounts mounts, out string why)
    {
        var tree = new CgroupV1Tree(options);
        var problems = new List<string>();
        foreach (var controller in new[] { "memory", "pids", "cpuacct" })
        {
            var mount = mounts.V1(controller);
            if (mount == null)
            {
                problems.Add($"no cgroup v1 '{controller}' hierarchy is mounted");
                continue;
            }
            var root = Path.Combine(mount, options.CgroupName);
            try
            {
                Directory.CreateDirectory(root);
                CgroupFiles.RemoveStaleInstances(root, "/" + options.CgroupName);
                var instanceDir = Path.Combine(root, tree._instance);
                Directory.CreateDirectory(instanceDir);
                tree._controllers.Add((controller, instanceDir));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"cannot create {root}: {e.Message}");
            }
        }
        var has = tree._controllers.Select(c => c.Controller).ToHashSet();
        why = string.Join("; ", problems);
        if (!has.Contains("memory") && !has.Contains("pids"))
        {
            tree.Dispose();
            return null;
        }
        tree._protections.Add(has.Contains("memory")
            ? new SandboxProtection("memory limit", true, $"cgroup v1 memory.limit_in_bytes = {options.MemoryMB} MiB per run (swap included where accounted)")
            : new SandboxProtection("memory limit", false, "cgroup v1 memory controller unusable: " + why));
        tree._protections.Add(has.Contains("pids")
            ? new SandboxProtection("process limit", true, $"cgroup v1 pids.max = {options.MaxProcesses} (+2 for bubblewrap) per run")
            : new SandboxProtection("process limit", false, "cgroup v1 pids controller unusable: " + why));
        tree._protections.Add(has.Contains("cpuacct")
            ? new SandboxProtection("CPU accounting", true, "cgroup v1 cpuacct.usage (total CPU of the process tree)")
            : new SandboxProtection("CPU accounting", false, "cgroup v1 cpuacct controller unusable: " + why));
        return tree;
    }

    public ISlotCgroup CreateSlot(string name)
    {
        var dirs = new List<(string Controller, string Dir)>();
        foreach (var (controller, instanceDir) in _controllers)
        {
            var dir = Path.Combine(instanceDir, name);
            Directory.CreateDirectory(dir);
            dirs.Add((controller, dir));
        }
        var slot = new Slot(dirs, RelativeSlotPath(name));
        slot.KillAll(TimeSpan.FromSeconds(2));
        foreach (var (controller, dir) in dirs)
        {
            switch (controller)
            {
                case "memory":
                    var bytes = ((long)_options.MemoryMB << 20).ToString(CultureInfo.InvariantCulture);
                    CgroupFiles.Write(Path.Combine(dir, "memory.limit_in_bytes"), bytes);
                    // memsw must be >= the plain limit, so it is written second; absent without swap accounting.
                    if (File.Exists(Path.Combine(dir, "memory.memsw.limit_in_bytes")))
                    {
                        CgroupFiles.Write(Path.Combine(dir, "memory.memsw.limit_in_bytes"), bytes);
                    }
                    break;
                case "pids":
                    CgroupFiles.Write(Path.Combine(dir, "pids.max"), (_options.MaxProcesses + 2).ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }
        return slot;
    }

    public void Dispose()
    {
        foreach (var (_, instanceDir) in _controllers)
        {
            foreach (var slotDir in Directory.Exists(instanceDir) ? Directory.GetDirectories(instanceDir) : [])
            {
                CgroupFiles.KillByPid([slotDir], $"/{_options.CgroupName}/{_instance}/{Path.GetFileName(slotDir)}", TimeSpan.FromSeconds(2));
            }
            CgroupFiles.RemoveTree(instanceDir);
        }
        _controllers.Clear();
    }

    private sealed class Slot(List<(string Controller, string Dir)> dirs, string relativePath) : ISlotCgroup
    {
        private readonly string? _memory = dirs.Find(d => d.Controller == "memory").Dir;
        private readonly string? _cpuacct = dirs.Find(d => d.Controller == "cpuacct").Dir;
        private readonly string[] _all = dirs.Select(d => d.Dir).ToArray();
        private long _oomBaseline;

        public void Attach(int pid)
        {
            var text = pid.ToString(CultureInfo.InvariantCulture);
            foreach (var dir in _all)
            {
                CgroupFiles.Write(Path.Combine(dir, "cgroup.procs"), text);
            }
        }

        public void BeginRun()
        {
            if (_memory != null)
            {
                CgroupFiles.TryWrite(Path.Combine(_memory, "memory.max_usage_in_bytes"), "0");
                _oomBaseline = CgroupFiles.ReadKey(Path.Combine(_memory, "memory.oom_control"), "oom_kill") ?? 0;
            }
            if (_cpuacct != null)
            {
                CgroupFiles.TryWrite(Path.Combine(_cpuacct, "cpuacct.usage"), "0");
            }
        }

        public CgroupUsage ReadUsage()
        {
            long oom = 0;
            long? peak = null;
            TimeSpan? cpu = null;
            if (_memory != null)
            {
                oom = (CgroupFiles.ReadKey(Path.Combine(_memory, "memory.oom_control"), "oom_kill") ?? _oomBaseline) - _oomBaseline;
                // failcnt also counts limit hits that reclaim absorbed; only kills matter here.
                peak = CgroupFiles.ReadLong(Path.Combine(_memory, "memory.max_usage_in_bytes"));
            }
            if (_cpuacct != null && CgroupFiles.ReadLong(Path.Combine(_cpuacct, "cpuacct.usage")) is { } ns)
            {
                cpu = TimeSpan.FromTicks(ns / 100);
            }
            return new CgroupUsage(oom, peak, cpu);
        }

        public bool KillAll(TimeSpan timeout) => CgroupFiles.KillByPid(_all, relativePath, timeout);

        public void Dispose()
        {
            KillAll(TimeSpan.FromSeconds(2));
            foreach (var dir in _all)
            {
                CgroupFiles.RemoveTree(dir);
            }
        }
    }
}
