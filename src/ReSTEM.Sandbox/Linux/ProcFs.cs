namespace ReSTEM.Sandbox.Linux;

/// <summary>Small readers of <c>/proc</c>.</summary>
internal static class ProcFs
{
    private static bool? s_childrenFile;

    /// <summary>The direct children of a process (empty when it is gone).</summary>
    public static List<int> Children(int pid)
    {
        s_childrenFile ??= File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");
        var result = new List<int>();
        if (s_childrenFile == true)
        {
            // A single-threaded parent (bubblewrap) has all its children on its main thread.
            try
            {
                foreach (var part in File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    result.Add(int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return result;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (int.TryParse(name, out var candidate) && ParentOf(candidate) == pid)
            {
                result.Add(candidate);
            }
        }
        return result;
    }

    /// <summary>The parent pid of a process, or -1 when it is gone.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses; fields resume after the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>The pids listed in a cgroup's <c>cgroup.procs</c> file (empty when unreadable).</summary>
    public static List<int> CgroupProcs(string cgroupDir)
    {
        var result = new List<int>();
        try
        {
            foreach (var line in File.ReadAllLines(Path.Combine(cgroupDir, "cgroup.procs")))
            {
                if (int.TryParse(line, out var pid))
                {
                    result.Add(pid);
                }
            }
        }
        catch (IOException)
        {
        }
        return result;
    }

    /// <summary>True when the process's cgroup membership names <paramref name="relativePath"/> (e.g. <c>/restem-sandbox/p1-0/slot0</c>).</summary>
    public static bool InCgroup(int pid, string relativePath)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/cgroup"))
            {
                if (line.EndsWith(":" + relativePath, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
        }
        return false;
    }
}
