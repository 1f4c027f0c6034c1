using ReSTEM.Actors.Verification;
using ReSTEM.Core.Metrics;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;

namespace ReSTEM.Actors.Evaluation;

/// <summary>One problem's completions under one decoding mode, with their verdicts.</summary>
/// <param name="Problem">The problem.</param>
/// <param name="Completions">Its completions in sample order.</param>
/// <param name="Verdicts">Their verdicts in the same order.</param>
public sealed record ScoredProblem(Problem Problem, IReadOnlyList<Completion> Completions, IReadOnlyList<Verified> Verdicts)
{
    /// <summary>The outcome used by the metrics.</summary>
    public ProblemOutcome ToOutcome() => new(
        Problem.Id,
        Problem.Difficulty,
        Problem.Category,
        Verdicts.Select(v => v.Result.ExtractedAnswer).ToList(),
        Verdicts.Select(v => v.Result.Reward > 0).ToList());
}
