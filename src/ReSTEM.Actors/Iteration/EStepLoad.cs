namespace ReSTEM.Actors.Iteration;

/// <summary>What the E-step's bounded stages hold right now (read by the queue-depth metric), and what they lost.</summary>
public sealed class EStepLoad
{
    private long _batches;
    private long _verifications;
    private long _writes;
    private long _lost;

    /// <summary>Batches being generated.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Samples being verified.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>Completed problems being written.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Elements a stage failed on (a failed or timed-out ask) since the load was created; their problems are drawn again.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    internal void AddBatches(long n) => Interlocked.Add(ref _batches, n);

    internal void AddVerifications(long n) => Interlocked.Add(ref _verifications, n);

    internal void AddWrites(long n) => Interlocked.Add(ref _writes, n);

    internal void AddLost() => Interlocked.Increment(ref _lost);
}
