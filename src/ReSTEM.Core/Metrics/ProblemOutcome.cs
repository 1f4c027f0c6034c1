namespace ReSTEM.Core.Metrics;

/// <summary>How one problem fared under one decoding mode: every completion's answer and verdict.</summary>
/// <param name="ProblemId">The problem.</param>
/// <param name="Difficulty">Its difficulty level (0 when unknown).</param>
/// <param name="Category">Its category (e.g. MATH's type), or null.</param>
/// <param name="Answers">Each completion's normalised final answer, or null, in sample order.</param>
/// <param name="Correct">Whether each completion was verified correct, in sample order.</param>
public sealed record ProblemOutcome(
    string ProblemId,
    int Difficulty,
    string? Category,
    IReadOnlyList<string?> Answers,
    IReadOnlyList<bool> Correct)
{
    /// <summary>Completions scored.</summary>
    public int N => Correct.Count;

    /// <summary>Completions verified correct.</summary>
    public int CorrectCount => Correct.Count(c => c);
}
