namespace ReSTEM.Actors.Grading;

/// <summary>How a grading job runs.</summary>
public sealed record GradeOptions
{
    /// <summary>Verifications in flight at once.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Grade the readable rows and set the malformed ones aside instead of refusing the whole input.</summary>
    public bool SkipBadRows { get; init; }

    /// <summary>Rows per output row group (Parquet) or write batch.</summary>
    public int WriteBatch { get; init; } = 2048;

    /// <summary>Longest one verification may wait and run before the job fails.</summary>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
