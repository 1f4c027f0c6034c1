using ReSTEM.Sandbox.Linux;

namespace ReSTEM.Sandbox.Tests;

/// <summary>Finding the cgroup hierarchies in mountinfo, for v1, v2 and hybrid machines.</summary>
public sealed class CgroupMountsTests
{
    private static CgroupMounts Parse(string text)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, text);
        try
        {
            return CgroupMounts.Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Hybrid_v1_with_unified()
    {
        var mounts = Parse("""
            25 1 0:22 / /sys rw,nosuid - sysfs sysfs rw
            30 25 0:26 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755
            31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
            35 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
            36 30 0:32 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
            37 30 0:33 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
            """);
        Assert.Equal("/sys/fs/cgroup/unified", mounts.V2);
        Assert.Equal("/sys/fs/cgroup/memory", mounts.V1("memory"));
        Assert.Equal("/sys/fs/cgroup/pids", mounts.V1("pids"));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", mounts.V1("cpuacct"));
        Assert.Null(mounts.V1("freezer"));
    }

    [Fact]
    public void Pure_v2()
    {
        var mounts = Parse("29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
        Assert.Equal("/sys/fs/cgroup", mounts.V2);
        Assert.Null(mounts.V1("memory"));
    }

    [Fact]
    public void Bind_mounted_subtrees_and_escaped_paths()
    {
        var mounts = Parse("""
            40 30 0:31 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
            41 30 0:27 / /mnt/my\040cgroup rw - cgroup2 cgroup2 rw
            """);
        // A subtree of a hierarchy (as containers without a cgroup namespace see it) is not the whole tree.
        Assert.Null(mounts.V1("memory"));
        Assert.Equal("/mnt/my cgroup", mounts.V2);
    }

    [Fact]
    public void This_machine_has_a_cgroup_hierarchy() =>
        Assert.True(CgroupMounts.Read().V2 != null || CgroupMounts.Read().V1("memory") != null);
}
