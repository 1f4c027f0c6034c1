namespace ReSTEM.Sandbox;

/// <summary>Which cgroup interface limits memory and processes.</summary>
public enum SandboxCgroupMode
{
    /// <summary>cgroup v1 when its memory and pids hierarchies are mounted, else cgroup v2.</summary>
    Auto,

    /// <summary>cgroup v1 (memory, pids and cpuacct hierarchies).</summary>
    V1,

    /// <summary>cgroup v2 (the unified hierarchy).</summary>
    V2,

    /// <summary>No cgroups: memory falls back to RLIMIT_AS and processes to RLIMIT_NPROC (reported as weaker).</summary>
    Off,
}
