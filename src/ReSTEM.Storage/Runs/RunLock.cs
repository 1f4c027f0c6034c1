namespace ReSTEM.Storage.Runs;

/// <summary>
/// One process at a time per run folder: an exclusive lock on <c>run.lock</c>, which the
/// operating system releases when the process dies, however it dies, so a killed run never
/// leaves a stale lock behind.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>The lock file of a run folder.</summary>
    public static string PathOf(RunLayout layout) => Path.Combine(layout.Root, "run.lock");

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static RunLock? TryAcquire(RunLayout layout)
    {
        Directory.CreateDirectory(layout.Root);
        try
        {
            var stream = new FileStream(PathOf(layout), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
            stream.Write(pid);
            stream.Flush();
            return new RunLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
