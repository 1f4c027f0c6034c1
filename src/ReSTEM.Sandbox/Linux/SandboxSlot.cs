using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// One slot: a uid, a cgroup and a bubblewrap layout, used by one run at a time.
/// <para>
/// Bubblewrap builds the sandbox and then blocks on its block-fd before starting the program.
/// While nothing untrusted runs, the slot moves bubblewrap and its child (the PID-namespace
/// init) into the slot's cgroup, so every later process is born inside the limits. A run
/// releases the block, feeds the limits, the program text and its standard input, and drains
/// the output with caps. Killing the namespace init kills every process in the namespace at
/// once, double-forked daemons included; the cgroup is then swept as a second line.
/// </para>
/// <para>
/// As soon as a run's program starts, the slot prepares the next sandbox (up to the block) in
/// its second cgroup, so starting bubblewrap and building namespaces and mounts stays off the
/// next run's path; the two cgroups alternate, and each run's limits and counters are its own.
/// </para>
/// </summary>
internal sealed class SandboxSlot : IDisposable
{
    private const int StderrTailBytes = 4096;
    private const int SigXcpu = 24;
    private const double CpuLimitReached = 0.5;
    private static readonly TimeSpan s_initWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_sweepWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_bubblewrapExit = TimeSpan.FromSeconds(1);

    private readonly SandboxOptions _options;
    private readonly SlotIdentity _identity;
    private readonly ISlotCgroup?[] _cgroups;
    private readonly bool _memoryCgroup;
    private readonly SandboxLayout _layout;
    private readonly Spawner _spawner;
    private readonly byte[]? _seccomp;
    private Task<Prepared>? _next;
    private bool _disposed;

    public SandboxSlot(int index, SandboxOptions options, SlotIdentity identity, ISlotCgroup?[] cgroups, bool memoryCgroup, SandboxLayout layout, Spawner spawner, byte[]? seccomp)
    {
        Index = index;
        _options = options;
        _identity = identity;
        _cgroups = cgroups;
        _memoryCgroup = memoryCgroup;
        _layout = layout;
        _spawner = spawner;
        _seccomp = seccomp;
    }

    public int Index { get; }

    /// <summary>Runs <paramref name="run"/>; from <paramref name="compiled"/> (its source compiled and marshalled) when given.</summary>
    public async Task<ProgramRunResult> RunAsync(ProgramRun run, byte[]? compiled, CancellationToken cancellationToken)
    {
        var wall = run.WallTimeout ?? TimeSpan.FromSeconds(_options.WallSeconds);
        var cpu = run.CpuTimeout ?? TimeSpan.FromSeconds(_options.CpuSeconds);
        using var sandbox = await TakePreparedAsync().ConfigureAwait(false);
        try
        {
            if (!_disposed)
            {
                var other = 1 - sandbox.CgroupIndex;
                _next = Task.Run(() => PrepareAsync(other), CancellationToken.None);
            }
            if (sandbox.Error != null)
            {
                return ProgramRunResult.SandboxFailure(sandbox.Error);
            }
            return await RunPreparedAsync(sandbox, run, compiled, wall, cpu, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Kills the namespace and sweeps its cgroup; a straggler is swept again, or reported, by the next preparation there.
            sandbox.Kill();
        }
    }

    public void Dispose()
    {
        DiscardPrepared();
        foreach (var cgroup in _cgroups)
        {
            cgroup?.Dispose();
        }
    }

    /// <summary>Stops preparing sandboxes and kills the one waiting, leaving the cgroup in place (it may be shared by a slot of another mode).</summary>
    public void DiscardPrepared()
    {
        _disposed = true;
        var next = Interlocked.Exchange(ref _next, null);
        if (next != null)
        {
            try
            {
                using var prepared = next.GetAwaiter().GetResult();
                prepared.Kill();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task<Prepared> TakePreparedAsync()
    {
        var next = Interlocked.Exchange(ref _next, null);
        if (next != null)
        {
            var prepared = await next.ConfigureAwait(false);
            if (prepared.Error == null && !prepared.Process.HasExited)
            {
                return prepared;
            }
            // It failed or died while waiting: throw it away and build a fresh one in the same cgroup.
            prepared.Kill();
            prepared.Dispose();
            return await PrepareAsync(prepared.CgroupIndex).ConfigureAwait(false);
        }
        return await PrepareAsync(0).ConfigureAwait(false);
    }

    /// <summary>Starts bubblewrap and confines it; the result carries an error instead when that failed.</summary>
    private async Task<Prepared> PrepareAsync(int cgroupIndex)
    {
        var cgroup = _cgroups[cgroupIndex];
        if (cgroup != null && !cgroup.KillAll(s_sweepWait))
        {
            return Prepared.Failed($"slot {Index}: processes of an earlier run would not die", cgroupIndex);
        }
        Spawner.Spawned spawned;
        try
        {
            spawned = await _spawner.StartAsync(StartInfo, _seccomp).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException or ObjectDisposedException)
        {
            return Prepared.Failed($"cannot start {_options.BubblewrapPath}: {e.Message}", cgroupIndex);
        }
        var prepared = new Prepared(spawned.Process, spawned.ReleaseFd, _options.MaxOutputBytes, cgroup, cgroupIndex);
        var error = Confine(prepared);
        if (error != null)
        {
            prepared.Kill();
            await Task.WhenAny(prepared.StderrTask, Task.Delay(1000, CancellationToken.None)).ConfigureAwait(false);
            var said = Encoding.UTF8.GetString(prepared.Stderr.Kept()).Trim();
            prepared.Error = error + (said.Length > 0 ? ": " + said : "");
        }
        return prepared;
    }

    private async Task<ProgramRunResult> RunPreparedAsync(Prepared sandbox, ProgramRun run, byte[]? compiled, TimeSpan wall, TimeSpan cpu, CancellationToken cancellationToken)
    {
        var process = sandbox.Process;
        var stdout = new OutputCollector(_options.MaxOutputBytes, (int)Math.Min(_options.MaxOutputBytes, int.MaxValue - 1), keepTail: false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputExceeded = false;
        sandbox.OnStderrExceeded = () => { outputExceeded = true; limit.Cancel(); };
        if (sandbox.Stderr.Exceeded)
        {
            sandbox.OnStderrExceeded();
        }
        sandbox.Cgroup?.BeginRun();
        var stopwatch = Stopwatch.StartNew();
        limit.CancelAfter(wall);
        var stdoutTask = stdout.DrainAsync(process.StandardOutput.BaseStream, () => { outputExceeded = true; limit.Cancel(); });
        sandbox.Release();
        var stdinTask = FeedAsync(process.StandardInput.BaseStream, _layout.LimitsHeader(cpu, compiled != null), compiled ?? Encoding.UTF8.GetBytes(run.Source), run.Stdin, limit.Token);

        var ended = true;
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            await Task.WhenAll(stdoutTask, sandbox.StderrTask).WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ended = false;
        }
        stopwatch.Stop();
        sandbox.Kill();
        await DrainAfterKillAsync(process, stdoutTask, sandbox.StderrTask).ConfigureAwait(false);
        var stdinComplete = await stdinTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var usage = sandbox.Cgroup?.ReadUsage() ?? new CgroupUsage(0, null, null);
        var result = new ProgramRunResult
        {
            Outcome = ProgramOutcome.Exited,
            Stdout = stdout.Kept(),
            StderrTail = Encoding.UTF8.GetString(sandbox.Stderr.Kept()),
            Wall = stopwatch.Elapsed,
            Cpu = usage.Cpu,
            PeakMemoryBytes = usage.PeakMemoryBytes,
        };
        var seconds = (double s) => s.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        if (outputExceeded)
        {
            var which = stdout.Exceeded ? "standard output" : "standard error";
            return result with { Outcome = ProgramOutcome.OutputLimit, Detail = $"{which} passed the limit of {_options.MaxOutputBytes} bytes" };
        }
        if (!ended)
        {
            return result with { Outcome = ProgramOutcome.Timeout, Detail = $"wall-clock limit of {seconds(wall.TotalSeconds)} reached" };
        }
        var exit = process.ExitCode;
        if (usage.OomKills > 0)
        {
            return result with { Outcome = ProgramOutcome.MemoryLimit, ExitCode = exit, Detail = $"memory limit of {_options.MemoryMB} MiB reached" };
        }
        // The exit status alone cannot tell SIGXCPU from a program's own exit(152): the limit fired
        // only when the CPU time used came near it (the wall time stands in where no cgroup
        // measures it). Near, not at: RLIMIT_CPU counts tick-sampled time, which on a busy VM
        // runs ahead of the cgroup's exact figure (measured: the limit fired at 0.896 s of 1 s).
        // SIGKILL comes from the hard limit, a second past the soft one (a program that ignores
        // SIGXCPU): only a run that used at least the whole soft limit can have met it. Any other
        // SIGKILL (a candidate killing its judge) is a crash, however busy the machine made it.
        var cpuUsed = usage.Cpu ?? stopwatch.Elapsed;
        if ((exit == 128 + SigXcpu && cpuUsed >= cpu * CpuLimitReached) || (exit == 128 + Native.Sigkill && cpuUsed >= cpu))
        {
            return result with { Outcome = ProgramOutcome.Timeout, ExitCode = exit, Detail = $"CPU limit of {seconds(cpu.TotalSeconds)} reached" };
        }
        if (exit == SandboxLayout.BootstrapShortRead && !stdinComplete)
        {
            return result with { Outcome = ProgramOutcome.SandboxError, ExitCode = exit, Detail = "the program text could not be delivered to the sandbox" };
        }
        if (!_memoryCgroup && IsMemoryError(result.StderrTail))
        {
            return result with { Outcome = ProgramOutcome.MemoryLimit, ExitCode = exit, Detail = $"memory limit of {_options.MemoryMB} MiB reached (address-space limit)" };
        }
        return result with { ExitCode = exit };
    }

    private ProcessStartInfo StartInfo(int blockFd, int seccompFd)
    {
        var info = new ProcessStartInfo(_options.BubblewrapPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (_identity.Name != null)
        {
            info.UserName = _identity.Name;
        }
        // Nothing of the service's environment reaches bubblewrap (and bubblewrap clears it again for the program).
        info.Environment.Clear();
        _layout.AddArguments(info.ArgumentList, blockFd, seccompFd);
        return info;
    }

    /// <summary>Moves bubblewrap and its namespace init into the cgroup; null on success.</summary>
    private string? Confine(Prepared sandbox)
    {
        var process = sandbox.Process;
        var outer = process.Id;
        try
        {
            sandbox.Cgroup?.Attach(outer);
            // The init is cloned right away; it blocks on the block-fd, so it cannot have run anything yet.
            var deadline = Environment.TickCount64 + (long)s_initWait.TotalMilliseconds;
            var polls = 0;
            int child;
            while (true)
            {
                var children = ProcFs.Children(outer);
                if (children.Count > 0)
                {
                    child = children[0];
                    break;
                }
                if (process.HasExited)
                {
                    return $"bubblewrap failed (exit {process.ExitCode})";
                }
                if (Environment.TickCount64 > deadline)
                {
                    return "bubblewrap did not create its sandbox in time";
                }
                // Usually there within a millisecond; on a busy machine stop competing with bubblewrap for the CPU.
                Thread.Sleep(++polls < 20 ? 0 : 1);
            }
            sandbox.Init = PidHandle.Open(child);
            if (sandbox.Init == null)
            {
                return "bubblewrap's sandbox ended before it could be confined";
            }
            sandbox.Cgroup?.Attach(child);
            return null;
        }
        catch (IOException e)
        {
            return "cannot confine the sandbox: " + e.Message;
        }
    }

    private static async Task<bool> FeedAsync(Stream stdin, byte[] limits, byte[] program, ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        try
        {
            await stdin.WriteAsync(limits, cancellationToken).ConfigureAwait(false);
            await stdin.WriteAsync(Encoding.ASCII.GetBytes(program.Length.ToString("D12", CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            await stdin.WriteAsync(program, cancellationToken).ConfigureAwait(false);
            if (!input.IsEmpty)
            {
                await stdin.WriteAsync(input, cancellationToken).ConfigureAwait(false);
            }
            await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The program ended (or was killed) without reading all of its input.
            return false;
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task DrainAfterKillAsync(Process process, Task stdoutTask, Task stderrTask)
    {
        var drained = Task.WhenAll(stdoutTask, stderrTask);
        if (await Task.WhenAny(drained, Task.Delay(s_sweepWait)).ConfigureAwait(false) != drained)
        {
            // Something outside our reach still holds the pipes: stop reading rather than hang.
            process.StandardOutput.BaseStream.Dispose();
            process.StandardError.BaseStream.Dispose();
        }
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(s_sweepWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private static bool IsMemoryError(string stderrTail) =>
        stderrTail.Contains("MemoryError", StringComparison.Ordinal) || stderrTail.Contains("Cannot allocate memory", StringComparison.Ordinal);

    /// <summary>A started, confined sandbox blocked before its program, or the reason it could not be made.</summary>
    private sealed class Prepared : IDisposable
    {
        private int _releaseFd;

        public Prepared(Process process, int releaseFd, long maxOutputBytes, ISlotCgroup? cgroup, int cgroupIndex)
        {
            Process = process;
            _releaseFd = releaseFd;
            Cgroup = cgroup;
            CgroupIndex = cgroupIndex;
            Stderr = new OutputCollector(maxOutputBytes, StderrTailBytes, keepTail: true);
            // Drained from the start: bubblewrap's own complaints arrive here before any run.
            StderrTask = Stderr.DrainAsync(process.StandardError.BaseStream, () => OnStderrExceeded?.Invoke());
        }

        private Prepared(int cgroupIndex)
        {
            CgroupIndex = cgroupIndex;
            Process = null!;
            Stderr = new OutputCollector(1024, 1, keepTail: true);
            StderrTask = Task.CompletedTask;
            _releaseFd = -1;
        }

        public Process Process { get; }

        /// <summary>The slot cgroup this sandbox lives in (null without cgroups), and which of the slot's two it is.</summary>
        public ISlotCgroup? Cgroup { get; }

        public int CgroupIndex { get; }

        public PidHandle? Init { get; set; }

        public OutputCollector Stderr { get; }

        public Task StderrTask { get; }

        public Action? OnStderrExceeded { get; set; }

        public string? Error { get; set; }

        public static Prepared Failed(string error, int cgroupIndex) => new(cgroupIndex) { Error = error };

        /// <summary>Lets the sandboxed program start.</summary>
        public void Release()
        {
            Native.write(_releaseFd, "1"u8, 1);
            CloseRelease();
        }

        /// <summary>
        /// Kills the whole sandbox: SIGKILL to the PID-namespace init takes every process in the
        /// namespace with it. Bubblewrap, the init's parent, reaps it and exits on its own; it is
        /// killed only when it does not, and the init is then left to <see cref="OrphanReaper"/>.
        /// </summary>
        public void Kill()
        {
            if (Process == null)
            {
                return;
            }
            var init = Init;
            Init = null;
            init?.Kill();
            try
            {
                if (!Process.HasExited && (init == null || !Process.WaitForExit(s_bubblewrapExit)))
                {
                    Process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
            Cgroup?.KillAll(s_sweepWait);
            if (init != null)
            {
                OrphanReaper.Watch(init);
            }
        }

        public void Dispose()
        {
            // Closed only after the kill: an init that read EOF here would start the program.
            CloseRelease();
            Init?.Dispose();
            Process?.Dispose();
        }

        private void CloseRelease()
        {
            if (_releaseFd >= 0)
            {
                Native.close(_releaseFd);
                _releaseFd = -1;
            }
        }
    }
}
