using ReSTEM.Core.Filtering;

namespace ReSTEM.Actors.Writing;

/// <summary>Write completed problems as one Parquet part; the reply is <see cref="ProblemsWritten"/> (a failure is a <c>Status.Failure</c>).</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Problems">Completed problems.</param>
public sealed record WriteProblems(int Iteration, IReadOnlyList<CompletedProblem> Problems);

/// <summary>The problems are durable on disk: sealed.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="ProblemIds">The sealed problems.</param>
/// <param name="Rows">Rows written.</param>
/// <param name="Accepted">Rows accepted into D_i.</param>
/// <param name="Correct">Rows with reward 1.</param>
/// <param name="Path">The part file (empty when every problem was written before, by an earlier try of the same request).</param>
public sealed record ProblemsWritten(int Iteration, IReadOnlyList<string> ProblemIds, int Rows, int Accepted, int Correct, string Path)
{
    /// <summary>Completion tokens of the rows written (the E-step's generated tokens).</summary>
    public long CompletionTokens { get; init; }
}
