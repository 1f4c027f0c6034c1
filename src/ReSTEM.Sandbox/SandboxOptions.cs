namespace ReSTEM.Sandbox;

/// <summary>
/// Limits and layout of the sandbox that runs generated programs. The defaults suit unit-test
/// style verification on a small machine: one slot per core, a few seconds per program, 512 MiB.
/// </summary>
public sealed record SandboxOptions
{
    /// <summary>Programs that may run at the same time; each slot has its own uid, cgroup and /tmp.</summary>
    public int Slots { get; init; } = Environment.ProcessorCount;

    /// <summary>CPU seconds per process (RLIMIT_CPU); a run may override it.</summary>
    public double CpuSeconds { get; init; } = 5;

    /// <summary>Wall-clock seconds per run, after which the whole process tree is killed; a run may override it.</summary>
    public double WallSeconds { get; init; } = 10;

    /// <summary>Memory of all processes of a run together, /tmp included, in MiB (cgroup memory limit).</summary>
    public int MemoryMB { get; init; } = 512;

    /// <summary>Processes and threads of a run together (cgroup pids limit and RLIMIT_NPROC).</summary>
    public int MaxProcesses { get; init; } = 32;

    /// <summary>Bytes a run may write to standard output (and, separately, to standard error) before it is killed.</summary>
    public long MaxOutputBytes { get; init; } = 1L << 20;

    /// <summary>Largest file a run may write (RLIMIT_FSIZE), in bytes.</summary>
    public long MaxFileSizeBytes { get; init; } = 16L << 20;

    /// <summary>Open file descriptors per process (RLIMIT_NOFILE).</summary>
    public int OpenFiles { get; init; } = 64;

    /// <summary>Size of the private, writable /tmp of a run, in MiB (it counts against <see cref="MemoryMB"/>).</summary>
    public int TmpSizeMB { get; init; } = 32;

    /// <summary>The Python interpreter, by absolute path; it runs with <c>-I</c> (isolated mode).</summary>
    public string PythonPath { get; init; } = "/usr/bin/python3";

    /// <summary>The bubblewrap executable, by absolute path.</summary>
    public string BubblewrapPath { get; init; } = "/usr/bin/bwrap";

    /// <summary>Slot i runs as the user named this prefix followed by i (created by run.sh: <c>restem-sb0</c>, ...).</summary>
    public string SlotUserPrefix { get; init; } = "restem-sb";

    /// <summary>Name of the cgroup directory under which each sandbox instance makes its slot cgroups.</summary>
    public string CgroupName { get; init; } = "restem-sandbox";

    /// <summary>Which cgroup interface to use for memory and process limits.</summary>
    public SandboxCgroupMode Cgroups { get; init; } = SandboxCgroupMode.Auto;

    /// <summary>
    /// Run bubblewrap unprivileged inside a user namespace (the default, when the kernel allows
    /// it); otherwise bubblewrap runs as root and drops to the slot's uid with setpriv.
    /// </summary>
    public bool PreferUserNamespace { get; init; } = true;

    /// <summary>Host paths (absolute) to show read-only inside the sandbox besides /usr and the library links, e.g. an interpreter outside /usr.</summary>
    public IReadOnlyList<string> ExtraReadOnlyPaths { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        Check(Slots is >= 1 and <= 256, nameof(Slots), "must be 1..256");
        Check(CpuSeconds is > 0 and <= 3600, nameof(CpuSeconds), "must be in (0, 3600]");
        Check(WallSeconds is > 0 and <= 3600, nameof(WallSeconds), "must be in (0, 3600]");
        Check(MemoryMB is >= 32 and <= 1 << 20, nameof(MemoryMB), "must be 32..1048576");
        Check(MaxProcesses is >= 1 and <= 4096, nameof(MaxProcesses), "must be 1..4096");
        Check(MaxOutputBytes is >= 1024 and <= 1L << 32, nameof(MaxOutputBytes), "must be 1 KiB..4 GiB");
        Check(MaxFileSizeBytes is >= 0 and <= 1L << 40, nameof(MaxFileSizeBytes), "must be 0..1 TiB");
        Check(OpenFiles is >= 16 and <= 65536, nameof(OpenFiles), "must be 16..65536 (the interpreter needs a few)");
        Check(TmpSizeMB >= 1 && TmpSizeMB <= MemoryMB, nameof(TmpSizeMB), $"must be 1..{nameof(MemoryMB)}");
        Check(Path.IsPathFullyQualified(PythonPath), nameof(PythonPath), "must be an absolute path");
        Check(Path.IsPathFullyQualified(BubblewrapPath), nameof(BubblewrapPath), "must be an absolute path");
        Check(SlotUserPrefix.Length > 0 && SlotUserPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), nameof(SlotUserPrefix), "must be letters, digits, '-' or '_'");
        Check(CgroupName.Length > 0 && CgroupName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), nameof(CgroupName), "must be letters, digits, '-' or '_'");
        Check(Enum.IsDefined(Cgroups), nameof(Cgroups), "unknown mode");
        foreach (var path in ExtraReadOnlyPaths)
        {
            Check(Path.IsPathFullyQualified(path) && path != "/", nameof(ExtraReadOnlyPaths), $"'{path}' must be an absolute path other than /");
        }
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"SandboxOptions.{name} {rule}.", name);
        }
    }
}
