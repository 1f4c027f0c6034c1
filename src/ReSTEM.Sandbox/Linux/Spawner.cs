using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Starts bubblewrap processes from one dedicated, long-lived thread, each with a private pipe
/// inherited as its <c>--block-fd</c> and, when given, a pipe holding its seccomp program.
/// <para>
/// One thread, because bubblewrap's <c>--die-with-parent</c> uses PR_SET_PDEATHSIG, which fires
/// when the parent THREAD exits: started from a pool thread, a sandbox would be killed whenever
/// the pool retired that thread. One at a time across every spawner of the process, because the
/// inherited pipe end must reach only the one child it belongs to.
/// </para>
/// </summary>
internal sealed class Spawner : IDisposable
{
    // One start at a time in the whole process, not per spawner: between making a pipe end
    // inheritable and starting its child, another spawner's close-on-exec sweep would take the
    // end away from this child ("bwrap: Can't read seccomp data: Bad file descriptor"), or its
    // child would inherit this one's.
    private static readonly Lock StartLock = new();

    private readonly BlockingCollection<Request> _queue = new();
    private readonly Thread _thread;

    public Spawner()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "restem-sandbox-spawner" };
        _thread.Start();
    }

    /// <summary>A started process and the write end of the pipe that releases it.</summary>
    internal sealed record Spawned(Process Process, int ReleaseFd);

    /// <summary>
    /// Starts the process that <paramref name="build"/> describes; its arguments are the numbers of
    /// the inherited block fd and seccomp fd (-1 when <paramref name="seccomp"/> is null).
    /// </summary>
    public Task<Spawned> StartAsync(Func<int, int, ProcessStartInfo> build, byte[]? seccomp)
    {
        var request = new Request(build, seccomp, new TaskCompletionSource<Spawned>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _queue.Add(request);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(Spawner));
        }
        return request.Result.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private void Loop()
    {
        foreach (var request in _queue.GetConsumingEnumerable())
        {
            try
            {
                request.Result.SetResult(Spawn(request.Build, request.Seccomp));
            }
            catch (Exception e)
            {
                request.Result.SetException(e);
            }
        }
    }

    private static Spawned Spawn(Func<int, int, ProcessStartInfo> build, byte[]? seccomp)
    {
        lock (StartLock)
        {
            return SpawnAlone(build, seccomp);
        }
    }

    private static Spawned SpawnAlone(Func<int, int, ProcessStartInfo> build, byte[]? seccomp)
    {
        var (blockRead, blockWrite) = Pipe();
        var seccompRead = -1;
        try
        {
            Inherit(blockRead);
            if (seccomp != null)
            {
                // The program is tiny (well under a pipe's 64 KiB), so it fits before anyone reads.
                var (read, write) = Pipe();
                seccompRead = read;
                var written = Native.write(write, seccomp, seccomp.Length);
                Native.close(write);
                if (written != seccomp.Length)
                {
                    throw new IOException("could not write the seccomp program: " + Native.Describe(Native.Errno));
                }
                Inherit(seccompRead);
            }
            FdHygiene.MarkAllCloseOnExecExcept(blockRead, seccompRead);
            var process = Process.Start(build(blockRead, seccompRead)) ?? throw new IOException("Process.Start returned no process");
            return new Spawned(process, blockWrite);
        }
        catch
        {
            Native.close(blockWrite);
            throw;
        }
        finally
        {
            Native.close(blockRead);
            if (seccompRead >= 0)
            {
                Native.close(seccompRead);
            }
        }
    }

    private static (int Read, int Write) Pipe()
    {
        Span<int> fds = stackalloc int[2];
        if (Native.pipe2(fds, Native.OCloexec) != 0)
        {
            throw new IOException("pipe2 failed: " + Native.Describe(Native.Errno));
        }
        return (fds[0], fds[1]);
    }

    private static void Inherit(int fd)
    {
        if (Native.fcntl(fd, Native.FSetfd, 0) != 0)
        {
            throw new IOException("fcntl failed: " + Native.Describe(Native.Errno));
        }
    }

    private sealed record Request(Func<int, int, ProcessStartInfo> Build, byte[]? Seccomp, TaskCompletionSource<Spawned> Result);
}
