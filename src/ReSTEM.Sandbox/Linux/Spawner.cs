using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Starts bubblewrap processes from one dedicated, long-lived thread, each with a private pipe
/// inherited as its <c>--block-fd</c>.
/// <para>
/// One thread, because bubblewrap's <c>--die-with-parent</c> uses PR_SET_PDEATHSIG, which fires
/// when the parent THREAD exits: started from a pool thread, a sandbox would be killed whenever
/// the pool retired that thread. One at a time, because the inherited pipe end must reach only
/// the one child it belongs to.
/// </para>
/// </summary>
internal sealed class Spawner : IDisposable
{
    private readonly BlockingCollection<Request> _queue = new();
    private readonly Thread _thread;

    public Spawner()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "restem-sandbox-spawner" };
        _thread.Start();
    }

    /// <summary>A started process and the write end of the pipe that releases it.</summary>
    internal sealed record Spawned(Process Process, int ReleaseFd);

    /// <summary>Starts the process that <paramref name="build"/> describes; the argument is the fd number the child inherits.</summary>
    public Task<Spawned> StartAsync(Func<int, ProcessStartInfo> build)
    {
        var request = new Request(build, new TaskCompletionSource<Spawned>(TaskCreationOptions.RunContinuationsAsynchronously));
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
                request.Result.SetResult(Spawn(request.Build));
            }
            catch (Exception e)
            {
                request.Result.SetException(e);
            }
        }
    }

    private static Spawned Spawn(Func<int, ProcessStartInfo> build)
    {
        Span<int> fds = stackalloc int[2];
        if (Native.pipe2(fds, Native.OCloexec) != 0)
        {
            throw new IOException("pipe2 failed: " + Native.Describe(Native.Errno));
        }
        int readFd = fds[0], writeFd = fds[1];
        try
        {
            if (Native.fcntl(readFd, Native.FSetfd, 0) != 0)
            {
                throw new IOException("fcntl failed: " + Native.Describe(Native.Errno));
            }
            FdHygiene.MarkAllCloseOnExecExcept(readFd);
            var process = Process.Start(build(readFd)) ?? throw new IOException("Process.Start returned no process");
            Native.close(readFd);
            readFd = -1;
            return new Spawned(process, writeFd);
        }
        catch
        {
            Native.close(writeFd);
            throw;
        }
        finally
        {
            if (readFd >= 0)
            {
                Native.close(readFd);
            }
        }
    }

    private sealed record Request(Func<int, ProcessStartInfo> Build, TaskCompletionSource<Spawned> Result);
}
