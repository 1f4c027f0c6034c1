using System.Runtime.InteropServices;

namespace ReSTEM.Model;

/// <summary>
/// libtorch's CPU threads (GNU OpenMP) spin while they wait for each other. On a small machine
/// whose cores are also busy with other work (verifier processes, builds), a spinning thread burns
/// the time slice its descheduled partner needs: measured here, one decode step of the built-in
/// model went from 0.7 ms to 30 ms with two threads under load. Passive waiting avoids it at no
/// visible cost. OpenMP reads the setting once, when libtorch is loaded, so it is put into the
/// process environment before libtorch is loaded; an explicit <c>OMP_WAIT_POLICY</c> wins.
/// </summary>
internal static class CpuThreading
{
    private static int _done;

    /// <summary>
    /// Puts <c>OMP_WAIT_POLICY=PASSIVE</c> into the C library's environment unless it is set; once per
    /// process. <see cref="LibTorch.EnsureLoaded"/> calls it before it loads libtorch.
    /// </summary>
    public static void SetWaitPolicy()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1 || !OperatingSystem.IsLinux()) return;
        // Environment.SetEnvironmentVariable changes only .NET's copy; OpenMP reads the C library's.
        _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
