namespace ReSTEM.Core.Tasks.Arithmetic;

/// <summary>
/// Sizes and ranges of the built-in arithmetic word-problem task. Problems are generated from
/// <see cref="Seed"/>, so the same options always give the same problems.
/// </summary>
public sealed record ArithmeticOptions
{
    /// <summary>Problems in the train split (the E-step's pool).</summary>
    public int TrainProblems { get; init; } = 2000;

    /// <summary>Problems in the validation split.</summary>
    public int ValidationProblems { get; init; } = 200;

    /// <summary>Problems in the test split.</summary>
    public int TestProblems { get; init; } = 500;

    /// <summary>Largest starting amount of a person.</summary>
    public int MaxStart { get; init; } = 30;

    /// <summary>Largest amount moved by one event.</summary>
    public int MaxStep { get; init; } = 20;

    /// <summary>No amount ever exceeds this value (events that would are not generated).</summary>
    public int MaxValue { get; init; } = 99;

    /// <summary>Lowest difficulty level generated (number of events, 1-5).</summary>
    public int MinDifficulty { get; init; } = 1;

    /// <summary>Highest difficulty level generated (number of events, 1-5).</summary>
    public int MaxDifficulty { get; init; } = 5;

    /// <summary>Seed of the problem generator.</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (TrainProblems < 1) throw new ArgumentException($"train-problems must be >= 1, got {TrainProblems}");
        if (ValidationProblems < 0) throw new ArgumentException($"val-problems must be >= 0, got {ValidationProblems}");
        if (TestProblems < 1) throw new ArgumentException($"test-problems must be >= 1, got {TestProblems}");
        if (MaxStart < 1) throw new ArgumentException($"max-start must be >= 1, got {MaxStart}");
        if (MaxStep < 1) throw new ArgumentException($"max-step must be >= 1, got {MaxStep}");
        if (MaxValue < MaxStart + MaxStep) throw new ArgumentException($"max-value must be >= max-start + max-step ({MaxStart + MaxStep}), got {MaxValue}");
        if (MinDifficulty is < 1 or > 5 || MaxDifficulty is < 1 or > 5 || MinDifficulty > MaxDifficulty)
            throw new ArgumentException($"difficulty levels must satisfy 1 <= min-difficulty <= max-difficulty <= 5, got {MinDifficulty}..{MaxDifficulty}");
    }
}
