namespace ReSTEM.Core.Verification.Code;

/// <summary>How <see cref="FunctionTestVerifier"/> runs HumanEval / MBPP style tests.</summary>
public sealed record FunctionTestOptions
{
    /// <summary>Wall-clock limit for the whole program with all its tests; null takes the runner's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>CPU-time limit; null takes the runner's default.</summary>
    public TimeSpan? CpuTimeout { get; init; }

    /// <summary>
    /// Reject results of the entry point whose type the program defined or that override
    /// equality (an object equal to everything passes any <c>assert f(x) == y</c>). Results of
    /// built-in types, their plain subclasses (e.g. named tuples), and the collections,
    /// decimal and fractions types are accepted. Stricter than the public HumanEval harness,
    /// which has no such check; every HumanEval canonical solution passes with it on.
    /// </summary>
    public bool RejectForeignReturnTypes { get; init; } = true;
}
