namespace ReSTEM.Core.Verification.Code;

/// <summary>How <see cref="FunctionTestVerifier"/> runs HumanEval / MBPP style tests.</summary>
public sealed record FunctionTestOptions
{
    /// <summary>Wall-clock limit for the whole program with all its tests; null takes the runner's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>CPU-time limit; null takes the runner's default.</summary>
    public TimeSpan? CpuTimeout { get; init; }
}
