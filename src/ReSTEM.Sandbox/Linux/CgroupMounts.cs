namespace ReSTEM.Sandbox.Linux;

/// <summary>Where the cgroup hierarchies are mounted, read from <c>/proc/self/mountinfo</c>.</summary>
internal sealed class CgroupMounts
{
    private readonly Dictionary<string, string> _v1 = new(StringComparer.Ordinal);

    /// <summary>The mount point of the cgroup v2 (unified) hierarchy, or null.</summary>
    public string? V2 { get; private set; }

    /// <summary>The mount point of the cgroup v1 hierarchy that holds <paramref name="controller"/>, or null.</summary>
    public string? V1(string controller) => _v1.GetValueOrDefault(controller);

    public static CgroupMounts Read(string mountInfoPath = "/proc/self/mountinfo")
    {
        var mounts = new CgroupMounts();
        if (!File.Exists(mountInfoPath))
        {
            return mounts;
        }
        foreach (var line in File.ReadLines(mountInfoPath))
        {
            // Fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
            {
                continue;
            }
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3)
            {
                continue;
            }
            var mountPoint = Unescape(left[4]);
            // Only hierarchies mounted at their own root give us the whole tree.
            if (left[3] != "/")
            {
                continue;
            }
            if (right[0] == "cgroup2")
            {
                mounts.V2 ??= mountPoint;
            }
            else if (right[0] == "cgroup")
            {
                foreach (var option in right[2].Split(','))
                {
                    mounts._v1.TryAdd(option, mountPoint);
                }
            }
        }
        return mounts;
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
