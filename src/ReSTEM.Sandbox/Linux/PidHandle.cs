namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// A reference to one process that stays valid after the process dies: a pidfd. Signalling
/// through it cannot hit an unrelated process that later reuses the pid, which a plain
/// <c>kill(pid)</c> can.
/// </summary>
internal sealed class PidHandle : IDisposable
{
    private static bool s_pidfdMissing;
    private int _fd;

    private PidHandle(int pid, int fd)
    {
        Pid = pid;
        _fd = fd;
    }

    /// <summary>The process id.</summary>
    public int Pid { get; }

    /// <summary>The pidfd, or -1 where the system offers none.</summary>
    public int Fd => _fd;

    /// <summary>True when the kernel and libc offer pidfds (Linux 5.3, glibc 2.36).</summary>
    public static bool Supported
    {
        get
        {
            using var self = Open(Environment.ProcessId);
            return self is { _fd: >= 0 };
        }
    }

    /// <summary>Opens a handle, or null when the process no longer exists.</summary>
    public static PidHandle? Open(int pid)
    {
        if (!s_pidfdMissing)
        {
            try
            {
                var fd = Native.pidfd_open(pid, 0);
                if (fd >= 0)
                {
                    return new PidHandle(pid, fd);
                }
                var errno = Native.Errno;
                if (errno == Native.Esrch)
                {
                    return null;
                }
                if (errno != Native.Enosys)
                {
                    return new PidHandle(pid, -1);
                }
            }
            catch (EntryPointNotFoundException)
            {
                // glibc older than 2.36: fall back to kill(2) below.
            }
            s_pidfdMissing = true;
        }
        return Directory.Exists($"/proc/{pid}") ? new PidHandle(pid, -1) : null;
    }

    /// <summary>Sends SIGKILL; harmless when the process is already gone.</summary>
    public void Kill()
    {
        if (_fd >= 0)
        {
            Native.pidfd_send_signal(_fd, Native.Sigkill, 0, 0);
        }
        else
        {
            Native.kill(Pid, Native.Sigkill);
        }
    }

    /// <summary>True while the process exists, running or as a zombie (signal 0 reaches both).</summary>
    public bool Exists() =>
        (_fd >= 0 ? Native.pidfd_send_signal(_fd, 0, 0, 0) : Native.kill(Pid, 0)) == 0 || Native.Errno != Native.Esrch;

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Native.close(_fd);
            _fd = -1;
        }
    }
}
