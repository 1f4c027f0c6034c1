namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Keeps the service's file descriptors out of sandboxes. .NET opens its own descriptors
/// close-on-exec, but descriptors inherited from whatever started the service, or opened by
/// native libraries, are not; bubblewrap passes every open descriptor on to the program.
/// </summary>
internal static class FdHygiene
{
    private static bool s_closeRangeMissing;

    /// <summary>Sets close-on-exec on every descriptor from 3 up, except those in <paramref name="keep"/> (negative entries are ignored).</summary>
    public static void MarkAllCloseOnExecExcept(params int[] keep)
    {
        var kept = keep.Where(fd => fd > 2).Distinct().Order().ToArray();
        if (!s_closeRangeMissing)
        {
            try
            {
                var ok = true;
                var from = 3u;
                foreach (var fd in kept)
                {
                    ok &= fd == from || Native.close_range(from, (uint)fd - 1, Native.CloseRangeCloexec) == 0;
                    from = (uint)fd + 1;
                }
                ok &= Native.close_range(from, uint.MaxValue, Native.CloseRangeCloexec) == 0;
                if (ok)
                {
                    return;
                }
            }
            catch (EntryPointNotFoundException)
            {
            }
            // Linux before 5.11 or glibc before 2.34: walk /proc/self/fd instead.
            s_closeRangeMissing = true;
        }
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var fd) && fd > 2 && Array.IndexOf(kept, fd) < 0)
            {
                Native.fcntl(fd, Native.FSetfd, Native.FdCloexec);
            }
        }
    }
}
