namespace ReSTEM.Actors.Iteration;

/// <summary>
/// How patiently the coordinator supervises its long jobs (training, evaluation) and how often a
/// write is tried. The defaults suit real runs; tests shorten the intervals.
/// </summary>
/// <param name="JobCheckInterval">How often the coordinator asks the trainer or evaluator whether its job still runs.</param>
/// <param name="JobCheckMisses">Status checks in a row that may go unanswered before the run fails.</param>
/// <param name="JobAttempts">Times a job whose result was lost is sent before the run fails.</param>
/// <param name="WriteAttempts">Attempts of one sample write before its problems are left to the next pass.</param>
public sealed record CoordinatorSettings(TimeSpan JobCheckInterval, int JobCheckMisses, int JobAttempts, int WriteAttempts)
{
    /// <summary>Verifier workers in the run's own process; null: <c>restem.verification.parallelism</c>; 0: verifier nodes do all verification.</summary>
    public int? LocalVerifiers { get; init; }

    /// <summary>The settings of a real run.</summary>
    public static CoordinatorSettings Default { get; } = new(TimeSpan.FromSeconds(30), 4, 3, 3);
}
