namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Reaps the sandbox processes that lose their parent. Each sandbox is bubblewrap (a child of
/// the service, reaped by .NET's <see cref="System.Diagnostics.Process"/>) and bubblewrap's
/// own child, the PID-namespace init. When bubblewrap dies before it has reaped the init (it
/// was killed, or the cgroup sweep took both at once), the init is re-parented to the nearest
/// child subreaper or to PID 1, and stays a zombie until that process waits for it: counted
/// against the slot user's RLIMIT_NPROC, so later sandboxes fail to fork. Some PID 1s reap late;
/// a service that is PID 1 itself (a container without an init) never would.
/// <para>
/// So the service becomes a child subreaper (nothing is re-parented past it) and watches each
/// init it made through a pidfd, waiting for it with <c>waitid(P_PIDFD)</c>: that reaps exactly
/// that process and never one of the children .NET waits for (reaping one of those behind
/// .NET's back would lose its exit status).
/// </para>
/// </summary>
internal static class OrphanReaper
{
    private static readonly TimeSpan s_giveUpAfter = TimeSpan.FromMinutes(2);
    private static readonly List<Watched> s_watched = [];
    private static readonly Lock s_lock = new();
    private static Timer? s_timer;
    private static int s_subreaper;

    /// <summary>How many processes are being watched now (zombies not reaped yet, or still someone else's child).</summary>
    public static int Watching
    {
        get
        {
            lock (s_lock)
            {
                return s_watched.Count;
            }
        }
    }

    /// <summary>Makes this process a child subreaper (once); false where the kernel refuses.</summary>
    public static bool BecomeSubreaper()
    {
        if (Volatile.Read(ref s_subreaper) != 0)
        {
            return s_subreaper > 0;
        }
        var ok = Native.prctl(Native.PrSetChildSubreaper, 1, 0, 0, 0) == 0;
        Interlocked.CompareExchange(ref s_subreaper, ok ? 1 : -1, 0);
        return ok;
    }

    /// <summary>
    /// Takes over <paramref name="process"/> (a killed sandbox's init): it is reaped here if it
    /// comes to this process, and forgotten once it is gone. The handle is disposed here.
    /// </summary>
    public static void Watch(PidHandle process)
    {
        lock (s_lock)
        {
            s_watched.Add(new Watched(process, Environment.TickCount64));
            s_timer ??= new Timer(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
        }
        Sweep();
    }

    /// <summary>Reaps every watched process that is now a zombie child of this process; forgets the ones that are gone.</summary>
    public static void Sweep()
    {
        lock (s_lock)
        {
            var now = Environment.TickCount64;
            for (var i = s_watched.Count - 1; i >= 0; i--)
            {
                var watched = s_watched[i];
                if (Settled(watched.Process) || now - watched.Since > s_giveUpAfter.TotalMilliseconds)
                {
                    watched.Process.Dispose();
                    s_watched.RemoveAt(i);
                }
            }
            // Poll while anything is left: a SIGKILLed process takes a moment to become a zombie.
            s_timer?.Change(s_watched.Count > 0 ? 50 : Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>True when the process needs no more watching: reaped here, or gone altogether.</summary>
    private static bool Settled(PidHandle process)
    {
        if (process.Fd < 0)
        {
            // Without pidfds nothing can be reaped safely by pid (it may be reused); nothing to watch.
            return true;
        }
        Span<byte> info = stackalloc byte[128];
        while (true)
        {
            info.Clear();
            if (Native.waitid(Native.PPidfd, process.Fd, info, Native.WExited | Native.WNohang) == 0)
            {
                // si_pid (offset 16 of siginfo_t on Linux) is 0 while our child still runs.
                return BitConverter.ToInt32(info[16..20]) != 0;
            }
            var errno = Native.Errno;
            if (errno == Native.Eintr)
            {
                continue;
            }
            // ECHILD: not our child. Still someone else's (alive, or a zombie of bubblewrap's),
            // or reaped by its own parent already: then it no longer exists at all.
            return errno != Native.Echild || !process.Exists();
        }
    }

    private sealed record Watched(PidHandle Process, long Since);
}
