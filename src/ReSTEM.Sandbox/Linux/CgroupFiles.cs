using System.Globalization;

namespace ReSTEM.Sandbox.Linux;

/// <summary>Reading and writing cgroup control files, and the cleanup shared by both cgroup versions.</summary>
internal static class CgroupFiles
{
    /// <summary>Writes a control file; returns null on success, else why it failed.</summary>
    public static string? TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path}: {e.Message}";
        }
    }

    /// <summary>Writes a control file or throws <see cref="IOException"/> naming it.</summary>
    public static void Write(string path, string value)
    {
        var error = TryWrite(path, value);
        if (error != null)
        {
            throw new IOException(error);
        }
    }

    /// <summary>Reads a number from a one-value control file, or null.</summary>
    public static long? ReadLong(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads <c>key value</c> from a flat-keyed file (memory.events, cpu.stat, memory.oom_control), or null.</summary>
    public static long? ReadKey(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var space = line.IndexOf(' ');
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(key)
                    && long.TryParse(line.AsSpan(space + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>
    /// Kills the processes listed in <paramref name="dirs"/> one by one until all are empty.
    /// Each pid is pinned with a pidfd and checked to still belong to the cgroup before the
    /// signal, so a pid reused by an unrelated process is never hit.
    /// </summary>
    public static bool KillByPid(IReadOnlyList<string> dirs, string relativePath, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var any = false;
            foreach (var dir in dirs)
            {
                foreach (var pid in ProcFs.CgroupProcs(dir))
                {
                    any = true;
                    using var handle = PidHandle.Open(pid);
                    if (handle != null && ProcFs.InCgroup(pid, relativePath))
                    {
                        handle.Kill();
                    }
                }
            }
            if (!any)
            {
                return true;
            }
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }
            Thread.Sleep(1);
        }
    }

    /// <summary>Removes a cgroup directory and its sub-cgroups, deepest first (cgroupfs only allows rmdir).</summary>
    public static void RemoveTree(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var child in Directory.GetDirectories(dir))
        {
            RemoveTree(child);
        }
        try
        {
            Directory.Delete(dir);
        }
        catch (IOException)
        {
            // Still busy (a process that would not die): leave it; the next start cleans it up.
        }
    }

    /// <summary>
    /// Removes instance directories (<c>p{pid}-{n}</c>) left under <paramref name="root"/> by
    /// sandbox hosts that are gone (a killed service), killing whatever still runs in them.
    /// </summary>
    public static void RemoveStaleInstances(string root, string relativeRoot)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var instance in Directory.GetDirectories(root))
        {
            var name = Path.GetFileName(instance);
            var dash = name.IndexOf('-');
            if (name.Length < 2 || name[0] != 'p' || dash < 0 || !int.TryParse(name.AsSpan(1, dash - 1), out var owner))
            {
                continue;
            }
            if (owner == Environment.ProcessId || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }
            foreach (var slot in Directory.GetDirectories(instance))
            {
                KillByPid([slot], $"{relativeRoot}/{name}/{Path.GetFileName(slot)}", TimeSpan.FromSeconds(2));
            }
            RemoveTree(instance);
        }
    }
}
