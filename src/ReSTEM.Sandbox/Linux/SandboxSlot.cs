using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReSTEM.Core.Verification;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// One slot: a uid, a cgroup and a bubblewrap layout, used by one run at a time.
/// <para>
/// A run: bubblewrap starts and blocks on its block-fd after building the sandbox but before
/// starting the program. While nothing untrusted runs, the runner moves bubblewrap and its
/// child (the PID-namespace init) into the slot's cgroup and sets their resource limits, so
/// every later process is born inside the limits. Then it releases the block, feeds the
/// program text and standard input, and drains the output with caps. Killing the namespace
/// init kills every process in the namespace at once, double-forked daemons included; the
/// cgroup is then swept as a second line.
/// </para>
/// </summary>
internal sealed class SandboxSlot : IDisposable
{
    private const int StderrTailBytes = 4096;
    private const int SigXcpu = 24;
    private static readonly TimeSpan s_initWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_sweepWait = TimeSpan.FromSeconds(5);

    private readonly SandboxOptions _options;
    private readonly SlotIdentity _identity;
    private readonly ISlotCgroup? _cgroup;
    private readonly bool _memoryCgroup;
    private readonly SandboxLayout _layout;
    private readonly Spawner _spawner;
    private readonly byte[]? _seccomp;

    public SandboxSlot(int index, SandboxOptions options, SlotIdentity identity, ISlotCgroup? cgroup, bool memoryCgroup, SandboxLayout layout, Spawner spawner, byte[]? seccomp)
    {
        _seccomp = seccomp;
        Index = index;
        _options = options;
        _identity = identity;
        _cgroup = cgroup;
        _memoryCgroup = memoryCgroup;
        _layout = layout;
        _spawner = spawner;
    }

    public int Index { get; }

    public async Task<ProgramRunResult> RunAsync(ProgramRun run, CancellationToken cancellationToken)
    {
        var wall = run.WallTimeout ?? TimeSpan.FromSeconds(_options.WallSeconds);
        var cpu = run.CpuTimeout ?? TimeSpan.FromSeconds(_options.CpuSeconds);
        if (_cgroup != null && !_cgroup.KillAll(s_sweepWait))
        {
            return ProgramRunResult.SandboxFailure($"slot {Index}: processes of an earlier run would not die");
        }
        _cgroup?.BeginRun();

        Spawner.Spawned spawned;
        try
        {
            spawned = await _spawner.StartAsync((blockFd, seccompFd) => StartInfo(blockFd, seccompFd, cpu), _seccomp).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or InvalidOperationException or ObjectDisposedException)
        {
            return ProgramRunResult.SandboxFailure($"cannot start {_options.BubblewrapPath}: {e.Message}");
        }

        var process = spawned.Process;
        var releaseFd = spawned.ReleaseFd;
        PidHandle? init = null;
        var stdout = new OutputCollector(_options.MaxOutputBytes, (int)Math.Min(_options.MaxOutputBytes, int.MaxValue - 1), keepTail: false);
        var stderr = new OutputCollector(_options.MaxOutputBytes, StderrTailBytes, keepTail: true);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outputExceeded = false;
        try
        {
            var stderrTask = stderr.DrainAsync(process.StandardError.BaseStream, () => { outputExceeded = true; limit.Cancel(); });
            var confineError = Confine(process, out init);
            if (confineError != null)
            {
                KillTree(process, init);
                await Task.WhenAny(stderrTask, Task.Delay(1000, CancellationToken.None)).ConfigureAwait(false);
                var said = Encoding.UTF8.GetString(stderr.Kept()).Trim();
                return ProgramRunResult.SandboxFailure(confineError + (said.Length > 0 ? ": " + said : ""));
            }

            var stopwatch = Stopwatch.StartNew();
            limit.CancelAfter(wall);
            var stdoutTask = stdout.DrainAsync(process.StandardOutput.BaseStream, () => { outputExceeded = true; limit.Cancel(); });
            Release(ref releaseFd);
            var stdinTask = FeedAsync(process.StandardInput.BaseStream, run, limit.Token);

            var ended = true;
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                await Task.WhenAll(stdoutTask, stderrTask).WaitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                ended = false;
            }
            stopwatch.Stop();
            KillTree(process, init);
            await DrainAfterKillAsync(process, stdoutTask, stderrTask).ConfigureAwait(false);
            var stdinComplete = await stdinTask.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var usage = _cgroup?.ReadUsage() ?? new CgroupUsage(0, null, null);
            var result = new ProgramRunResult
            {
                Outcome = ProgramOutcome.Exited,
                Stdout = stdout.Kept(),
                StderrTail = Encoding.UTF8.GetString(stderr.Kept()),
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
            if (exit == 128 + SigXcpu || (exit == 128 + Native.Sigkill && usage.Cpu >= cpu))
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
        finally
        {
            Release(ref releaseFd, send: false);
            KillTree(process, init);
            init?.Dispose();
            process.Dispose();
        }
    }

    public void Dispose() => _cgroup?.Dispose();

    private ProcessStartInfo StartInfo(int blockFd, int seccompFd, TimeSpan cpu)
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
        _layout.AddArguments(info.ArgumentList, blockFd, seccompFd, cpu);
        return info;
    }

    /// <summary>Moves bubblewrap and its namespace init into the cgroup; null on success.</summary>
    private string? Confine(Process process, out PidHandle? init)
    {
        init = null;
        var outer = process.Id;
        try
        {
            _cgroup?.Attach(outer);
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
            init = PidHandle.Open(child);
            if (init == null)
            {
                return "bubblewrap's sandbox ended before it could be confined";
            }
            _cgroup?.Attach(child);
            return null;
        }
        catch (IOException e)
        {
            return "cannot confine the sandbox: " + e.Message;
        }
    }

    private static void Release(ref int fd, bool send = true)
    {
        if (fd < 0)
        {
            return;
        }
        if (send)
        {
            Native.write(fd, "1"u8, 1);
        }
        Native.close(fd);
        fd = -1;
    }

    private static async Task<bool> FeedAsync(Stream stdin, ProgramRun run, CancellationToken cancellationToken)
    {
        try
        {
            var source = Encoding.UTF8.GetBytes(run.Source);
            await stdin.WriteAsync(Encoding.ASCII.GetBytes(source.Length.ToString("D12", CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            await stdin.WriteAsync(source, cancellationToken).ConfigureAwait(false);
            if (!run.Stdin.IsEmpty)
            {
                await stdin.WriteAsync(run.Stdin, cancellationToken).ConfigureAwait(false);
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

    private void KillTree(Process process, PidHandle? init)
    {
        // SIGKILL to the PID-namespace init makes the kernel kill every process in the namespace.
        init?.Kill();
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        _cgroup?.KillAll(s_sweepWait);
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
}
