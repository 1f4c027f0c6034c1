namespace ReSTEM.Core.Options;

/// <summary><c>restem.filter</c>: how the E-step's verified samples become the training set D_i.</summary>
public sealed record FilterOptions
{
    /// <summary><c>max-correct-per-problem</c>: at most this many distinct correct samples per problem (the paper's 10).</summary>
    public int MaxCorrectPerProblem { get; init; } = 10;
}
