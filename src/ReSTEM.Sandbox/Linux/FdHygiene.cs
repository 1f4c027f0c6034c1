namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Keeps the service's file descriptors out of sandboxes. .NET opens its own descriptors
/// close-on-exec, but descriptors inherited from whatever started the service, or opened by
/// native libraries, are not; bubblewrap passes every open descriptor on to the program.
/// </summary>
internal static class FdHygiene
{
    private static bool s_closeRangeMissing;

    /// <summary>Sets close-on-exec on every descriptor from 3 up, except <paramref name="keep"/>.</summary>
    public static void MarkAllCloseOnExecExcept(int keep)
    {
        if (!s_closeRangeMissing)
        {
            try
            {
                var ok = (keep <= 3 || Native.close_range(3, (uint)keep - 1, Native.CloseRangeCloexec) == 0)
                    && Native.close_range((uint)keep + 1, uint.MaxValue, Native.CloseRangeCloexec) == 0;
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
            if (int.TryParse(Path.GetFileName(entry), out var fd) && fd > 2 && fd != keep)
            {
                Native.fcntl(fd, Native.FSetfd, Native.FdCloexec);
            }
        }
    }
}
