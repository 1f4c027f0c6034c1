namespace ReSTEM.Actors.Runs;

/// <summary>
/// Runs an actor's blocking native work (generation, training) on a dedicated thread and lets
/// the actor wait for it when it stops. Native work still running while the process exits
/// crashes it inside libtorch, so a stopping actor cancels its job and waits for the job to
/// reach its next cancellation check before the actor system, and then the process, go away.
/// </summary>
public sealed class NativeJob : IDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<NativeJob, byte> Live = new();

    private readonly CancellationTokenSource _stopping = new();
    private Task _current = Task.CompletedTask;

    /// <summary>Creates a job slot; it is known to <see cref="StopAll"/> until disposed.</summary>
    public NativeJob()
    {
        Live[this] = 0;
    }

    /// <summary>
    /// Cancels every live job and waits up to <paramref name="wait"/> for all of them: the last
    /// thing a process does before it exits, whatever state its actor system was left in.
    /// </summary>
    /// <returns>True when no job is still running.</returns>
    public static bool StopAll(TimeSpan wait)
    {
        var jobs = Live.Keys.ToList();
        foreach (var job in jobs) job.Cancel();
        var tasks = jobs.Select(j => j._current).Where(t => !t.IsCompleted).ToArray();
        try
        {
            return Task.WaitAll(tasks, wait);
        }
        catch (AggregateException)
        {
            return tasks.All(t => t.IsCompleted);
        }
    }

    /// <summary>Cancelled when the owner stops.</summary>
    public CancellationToken Token => _stopping.Token;

    /// <summary>Whether a job is running.</summary>
    public bool Busy => !_current.IsCompleted;

    /// <summary>Starts <paramref name="work"/> on a dedicated thread.</summary>
    public Task<T> Run<T>(Func<Task<T>> work)
    {
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _current = task;
        return task;
    }

    /// <summary>Starts synchronous <paramref name="work"/> on a dedicated thread.</summary>
    public Task<T> Run<T>(Func<T> work) => Run(() => Task.FromResult(work()));

    /// <summary>Cancels the running job and waits up to <paramref name="wait"/> for it to end.</summary>
    public void Stop(TimeSpan wait)
    {
        Cancel();
        try
        {
            _current.Wait(wait);
        }
        catch (AggregateException)
        {
            // The job's own failure was already reported to its asker, or is the cancellation itself.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(5));
        if (_current.IsCompleted)
        {
            Live.TryRemove(this, out _);
            _stopping.Dispose();
        }
    }

    private void Cancel()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
