namespace ReSTEM.Core.Tasks.Countdown;

/// <summary>
/// Sizes and ranges of the built-in Countdown task (<c>restem.tasks.countdown</c>). Problems are
/// generated from <see cref="Seed"/>, so the same options always give the same problems.
/// </summary>
public sealed record CountdownOptions
{
    /// <summary>Problems in the train split (the E-step's pool).</summary>
    public int TrainProblems { get; init; } = 6000;

    /// <summary>Problems in the validation split.</summary>
    public int ValidationProblems { get; init; } = 200;

    /// <summary>Problems in the test split.</summary>
    public int TestProblems { get; init; } = 500;

    /// <summary>Fewest numbers a problem gives (its difficulty level is the count of numbers).</summary>
    public int MinNumbers { get; init; } = 2;

    /// <summary>Most numbers a problem gives.</summary>
    public int MaxNumbers { get; init; } = 4;

    /// <summary>Largest number given (the smallest is 1).</summary>
    public int MaxNumber { get; init; } = 12;

    /// <summary>Largest target (the smallest is 1).</summary>
    public int MaxTarget { get; init; } = 200;

    /// <summary>
    /// Share of human solutions written step by step (<c>6-3=3, 3*7=21, 21+2=23</c>) instead of in
    /// one piece (<c>(6-3)*7+2=23</c>); both forms are correct answers.
    /// </summary>
    public double StepSolutionShare { get; init; }

    /// <summary>Seed of the problem generator.</summary>
    public long Seed { get; init; } = 4321;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (TrainProblems < 1) throw new ArgumentException($"train-problems must be >= 1, got {TrainProblems}");
        if (ValidationProblems < 0) throw new ArgumentException($"val-problems must be >= 0, got {ValidationProblems}");
        if (TestProblems < 1) throw new ArgumentException($"test-problems must be >= 1, got {TestProblems}");
        if (MinNumbers is < 2 or > CountdownSolver.MaxNumbers || MaxNumbers is < 2 or > CountdownSolver.MaxNumbers || MinNumbers > MaxNumbers)
            throw new ArgumentException($"the numbers per problem must satisfy 2 <= min-numbers <= max-numbers <= {CountdownSolver.MaxNumbers}, got {MinNumbers}..{MaxNumbers}");
        if (MaxNumber is < 2 or > 1000) throw new ArgumentException($"max-number must be in [2, 1000], got {MaxNumber}");
        if (StepSolutionShare is < 0 or > 1 || double.IsNaN(StepSolutionShare)) throw new ArgumentException($"step-solution-share must be in [0, 1], got {StepSolutionShare}");
        if (MaxTarget is < 2 or > 1_000_000) throw new ArgumentException($"max-target must be in [2, 1000000], got {MaxTarget}");
    }
}
