using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Core.Tasks.Code;

/// <summary>Sizes, seed and checking limits of the built-in code task.</summary>
public sealed record CodeTaskOptions
{
    /// <summary>Seed of the problem generator: the same seed gives the same problems in every split.</summary>
    public int Seed { get; init; } = 20231206;

    /// <summary>Problems in the train split.</summary>
    public int TrainSize { get; init; } = 2000;

    /// <summary>Problems in the validation split.</summary>
    public int ValidationSize { get; init; } = 200;

    /// <summary>Problems in the test split.</summary>
    public int TestSize { get; init; } = 500;

    /// <summary>Unit tests (asserts) per problem, the docstring's example included.</summary>
    public int TestsPerProblem { get; init; } = 6;

    /// <summary>How candidates are run; the defaults suit these small functions.</summary>
    public FunctionTestOptions Verification { get; init; } = new() { Timeout = TimeSpan.FromSeconds(5), CpuTimeout = TimeSpan.FromSeconds(2) };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (TrainSize < 0 || ValidationSize < 0 || TestSize < 0 || TrainSize + ValidationSize + TestSize is 0 or > 20000)
        {
            throw new ArgumentException("CodeTaskOptions split sizes must be >= 0 and total 1..20000.", nameof(TrainSize));
        }
        if (TestsPerProblem is < 1 or > 50)
        {
            throw new ArgumentException("CodeTaskOptions.TestsPerProblem must be 1..50.", nameof(TestsPerProblem));
        }
        ArgumentNullException.ThrowIfNull(Verification, nameof(Verification));
    }
}
