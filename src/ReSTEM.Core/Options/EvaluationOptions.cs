namespace ReSTEM.Core.Options;

/// <summary><c>restem.evaluation</c>: how policies are scored on held-out problems.</summary>
public sealed record EvaluationOptions
{
    /// <summary><c>samples-per-problem</c>: n sampled completions per test problem for pass@k and maj@k (0 = greedy only).</summary>
    public int SamplesPerProblem { get; init; } = 8;

    /// <summary><c>k</c>: the k values reported for pass@k and maj@k (each at most samples-per-problem).</summary>
    public IReadOnlyList<int> K { get; init; } = [1, 4, 8];

    /// <summary><c>temperature</c> of the sampled evaluation.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary><c>max-test-problems</c>: evaluate only the first N test problems (0 = all).</summary>
    public int MaxTestProblems { get; init; }

    /// <summary><c>max-val-problems</c>: choose checkpoints on only the first N validation problems (0 = all).</summary>
    public int MaxValidationProblems { get; init; }
}
