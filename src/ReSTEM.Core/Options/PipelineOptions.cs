namespace ReSTEM.Core.Options;

/// <summary><c>restem.pipeline</c>: flow control of the E-step stream.</summary>
public sealed record PipelineOptions
{
    /// <summary><c>write-batch-problems</c>: completed problems gathered into one Parquet part at most.</summary>
    public int WriteBatchProblems { get; init; } = 64;

    /// <summary><c>write-interval-ms</c>: a part is written at least this often while problems complete.</summary>
    public int WriteIntervalMs { get; init; } = 2000;

    /// <summary><c>sampler-timeout-seconds</c>: longest a sampler may take for one batch before the batch is drawn again.</summary>
    public double SamplerTimeoutSeconds { get; init; } = 3600;

    /// <summary><c>verify-timeout-seconds</c>: longest one verification may wait and run before its problem is drawn again.</summary>
    public double VerifyTimeoutSeconds { get; init; } = 600;

    /// <summary><c>max-passes</c>: passes over unsealed problems in one E-step before the run gives up (failed batches are retried).</summary>
    public int MaxPasses { get; init; } = 3;
}
