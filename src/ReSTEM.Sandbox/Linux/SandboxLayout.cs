using System.Globalization;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// The bubblewrap command line of a slot: which namespaces, which read-only host paths, the
/// private /tmp, the environment, and the program (the Python bootstrap) at the end.
/// </summary>
internal sealed class SandboxLayout
{
    /// <summary>
    /// Runs inside the sandbox before any untrusted code. It reads its standard input straight
    /// from fd 0 (unbuffered, so the program's own input starts exactly after what it reads):
    /// five 12-digit resource limits (CPU seconds, file size, open files, processes, address
    /// space or 0) and a sixth number, 1 when the program comes compiled (see below), which it sets on itself (the service lacks CAP_SYS_RESOURCE on some
    /// machines, so it cannot set them on a process of another uid, while any process may lower
    /// its own); then a 12-digit length and that many bytes of program text, which it writes to
    /// /tmp/main.py (so tracebacks can quote it) and executes as a fresh <c>__main__</c> module;
    /// or, for a trusted harness the runner compiled once, the marshalled code object itself
    /// (the same interpreter made it, in a sandbox like this one), which saves the compilation
    /// on every run.
    /// The limits come on stdin rather than the command line so that a slot can start its next
    /// sandbox before it knows the next run's limits.
    /// </summary>
    public const string PythonBootstrap =
        "import os,sys,resource as R\n" +
        "def _r(n):\n" +
        " b=b''\n" +
        " while len(b)<n:\n" +
        "  c=os.read(0,n-len(b))\n" +
        "  if not c:os._exit(86)\n" +
        "  b+=c\n" +
        " return b\n" +
        "def _l(k,s,h):\n" +
        " m=R.getrlimit(k)[1]\n" +
        " if m!=R.RLIM_INFINITY:s,h=min(s,m),min(h,m)\n" +
        " R.setrlimit(k,(s,h))\n" +
        "_a=[int(_r(12)) for _ in range(6)]\n" +
        "_l(R.RLIMIT_CPU,_a[0],_a[0]+1)\n" +
        "_l(R.RLIMIT_FSIZE,_a[1],_a[1])\n" +
        "_l(R.RLIMIT_CORE,0,0)\n" +
        "_l(R.RLIMIT_NOFILE,_a[2],_a[2])\n" +
        "_l(R.RLIMIT_NPROC,_a[3],_a[3])\n" +
        "if _a[4]:_l(R.RLIMIT_AS,_a[4],_a[4])\n" +
        "_s=_r(int(_r(12)))\n" +
        "if _a[5]:\n" +
        " import marshal\n" +
        " _c=marshal.loads(_s)\n" +
        "else:\n" +
        " with open('/tmp/main.py','wb') as _f:_f.write(_s)\n" +
        " _c=compile(_s,'/tmp/main.py','exec')\n" +
        "_m=type(sys)('__main__')\n" +
        "_m.__dict__.update(__builtins__=__builtins__,__file__='/tmp/main.py')\n" +
        "sys.modules['__main__']=_m\n" +
        "sys.argv=['/tmp/main.py']\n" +
        "del _l,_a,_r,_s,_m,R\n" +
        "exec(_c,sys.modules['__main__'].__dict__)\n";

    /// <summary>Exit status of the bootstrap when its program text did not arrive in full (a runner fault).</summary>
    public const int BootstrapShortRead = 86;

    private readonly List<string> _prefix = [];
    private readonly List<string> _suffix = [];
    private readonly long[] _fixedLimits;

    public SandboxLayout(SandboxOptions options, bool userNamespace, bool disableNestedUserNamespaces, bool memoryCgroup, bool pidsCgroup, int uid, int gid)
    {
        var a = _prefix;
        if (userNamespace)
        {
            a.Add("--unshare-user");
            if (disableNestedUserNamespaces)
            {
                a.Add("--disable-userns");
            }
        }
        else
        {
            // Root bubblewrap without a user namespace: keep only what setpriv needs to drop to the slot uid.
            a.AddRange(["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]);
        }
        a.AddRange(["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]);
        a.AddRange(["--die-with-parent", "--new-session", "--hostname", "sandbox"]);
        a.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var name in new[] { "bin", "sbin", "lib", "lib32", "lib64", "libx32" })
        {
            var host = "/" + name;
            var info = new FileInfo(host);
            if (info.LinkTarget is { } target)
            {
                a.AddRange(["--symlink", target, host]);
            }
            else if (Directory.Exists(host))
            {
                a.AddRange(["--ro-bind", host, host]);
            }
        }
        foreach (var file in new[] { "/etc/ld.so.cache", "/etc/localtime" })
        {
            a.AddRange(["--ro-bind-try", file, file]);
        }
        foreach (var path in options.ExtraReadOnlyPaths)
        {
            a.AddRange(["--ro-bind", path, path]);
        }
        a.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        var tmpBytes = ((long)options.TmpSizeMB << 20).ToString(CultureInfo.InvariantCulture);
        a.AddRange(["--perms", "1777", "--size", tmpBytes, "--tmpfs", "/tmp"]);
        a.AddRange(["--perms", "1777", "--size", tmpBytes, "--tmpfs", "/dev/shm"]);
        // Everything but /tmp and /dev/shm read-only: /dev (a tmpfs of its own) and the new root too.
        a.AddRange(["--remount-ro", "/dev", "--remount-ro", "/"]);
        a.AddRange(["--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp", "--setenv", "LANG", "C.UTF-8"]);
        a.AddRange(["--chdir", "/tmp"]);

        var s = _suffix;
        s.Add("--");
        if (!userNamespace)
        {
            s.AddRange(["/usr/bin/setpriv",
                "--reuid", uid.ToString(CultureInfo.InvariantCulture),
                "--regid", gid.ToString(CultureInfo.InvariantCulture),
                "--clear-groups", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]);
        }
        s.AddRange([options.PythonPath, "-I", "-c", PythonBootstrap]);
        _fixedLimits =
        [
            options.MaxFileSizeBytes,
            options.OpenFiles,
            // With a pids cgroup, RLIMIT_NPROC is only a backstop: it counts every process of the
            // slot's uid on the machine (another service using the same slot users included).
            pidsCgroup ? 4 * options.MaxProcesses + 16 : options.MaxProcesses + 2,
            // Without a memory cgroup, the address-space limit stands in (per process, and stricter than it needs to be).
            memoryCgroup ? 0 : (long)options.MemoryMB << 20,
        ];
    }

    /// <summary>
    /// The arguments of bubblewrap for a sandbox that blocks on <paramref name="blockFd"/> until
    /// the runner releases it, and loads the seccomp program from <paramref name="seccompFd"/>
    /// (when not -1).
    /// </summary>
    public void AddArguments(IList<string> arguments, int blockFd, int seccompFd)
    {
        foreach (var arg in _prefix)
        {
            arguments.Add(arg);
        }
        arguments.Add("--block-fd");
        arguments.Add(blockFd.ToString(CultureInfo.InvariantCulture));
        if (seccompFd >= 0)
        {
            arguments.Add("--seccomp");
            arguments.Add(seccompFd.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var arg in _suffix)
        {
            arguments.Add(arg);
        }
    }

    /// <summary>
    /// The bootstrap's input header: the five resource limits of a run with CPU limit
    /// <paramref name="cpu"/> and whether the program comes <paramref name="compiled"/>, 12 digits each.
    /// </summary>
    public byte[] LimitsHeader(TimeSpan cpu, bool compiled)
    {
        var text = new System.Text.StringBuilder();
        text.Append(Math.Max(1, (long)Math.Ceiling(cpu.TotalSeconds)).ToString("D12", CultureInfo.InvariantCulture));
        foreach (var limit in _fixedLimits)
        {
            text.Append(limit.ToString("D12", CultureInfo.InvariantCulture));
        }
        text.Append((compiled ? 1 : 0).ToString("D12", CultureInfo.InvariantCulture));
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }
}
