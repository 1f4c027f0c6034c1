namespace ReSTEM.Core.Options;

/// <summary><c>restem.verification</c>: the verifier pool.</summary>
public sealed record VerificationOptions
{
    /// <summary><c>parallelism</c>: verifications in flight in this process (0 = one per core).</summary>
    public int Parallelism { get; init; }

    /// <summary><c>timeout-seconds</c>: wall-clock limit of one code verification.</summary>
    public double TimeoutSeconds { get; init; } = 10;

    /// <summary><c>memory-mb</c>: memory limit of one sandboxed program.</summary>
    public int MemoryMB { get; init; } = 512;

    /// <summary><c>retries</c>: how often a verification whose machinery failed (not the candidate) is tried again.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>
    /// <c>max-consecutive-sandbox-errors</c>: verifications in a row that may still end in
    /// <c>sandbox_error</c> after their retries before the run stops with exit code 1 (the verifier
    /// machinery is broken). Fewer leave their problems unsealed, to be drawn again.
    /// </summary>
    public int MaxConsecutiveSandboxErrors { get; init; } = 20;

    /// <summary>The parallelism to use on this machine.</summary>
    public int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;
}
