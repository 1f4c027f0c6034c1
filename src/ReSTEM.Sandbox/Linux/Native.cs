using System.Runtime.InteropServices;

namespace ReSTEM.Sandbox.Linux;

/// <summary>The Linux system calls the sandbox needs and .NET does not offer.</summary>
internal static partial class Native
{
    public const int OCloexec = 0x80000;
    public const int FSetfd = 2;
    public const int FdCloexec = 1;
    public const uint CloseRangeCloexec = 1u << 2;
    public const int Sigkill = 9;
    public const int Esrch = 3;
    public const int Enosys = 38;
    public const int Eintr = 4;
    public const int Echild = 10;
    public const int PrSetChildSubreaper = 36;
    public const int PPidfd = 3;
    public const int WNohang = 1;
    public const int WExited = 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(Span<int> fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close_range(uint first, uint last, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pidfd_send_signal(int pidfd, int signal, nint info, uint flags);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>waitid(2); <paramref name="info"/> is a siginfo_t (128 bytes).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitid(int idType, int id, Span<byte> info, int options);

    /// <summary>The errno of the last failed call, as .NET recorded it.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>Human-readable text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
