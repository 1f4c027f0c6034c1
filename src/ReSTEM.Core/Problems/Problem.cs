namespace ReSTEM.Core.Problems;

/// <summary>
/// One problem a program can check: a math question with a gold answer, or a programming
/// task with unit tests. Immutable; identified by <see cref="Id"/> within its task.
/// </summary>
public sealed record Problem
{
    /// <summary>Stable identifier, unique within the task (e.g. <c>arith-train-00042</c>, <c>HumanEval/0</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The problem statement as the dataset gives it (for HumanEval: the function signature and docstring).</summary>
    public required string Question { get; init; }

    /// <summary>The gold final answer for math tasks (as the dataset gives it); null for code tasks.</summary>
    public string? Answer { get; init; }

    /// <summary>A human-written reference solution (worked solution or canonical code), when the dataset has one.</summary>
    public string? Solution { get; init; }

    /// <summary>Difficulty level 1-5 where the task grades difficulty; 0 when unknown.</summary>
    public int Difficulty { get; init; }

    /// <summary>A free category such as Hendrycks MATH's <c>type</c>; null when none.</summary>
    public string? Category { get; init; }

    /// <summary>The tests of a code problem; null for math problems.</summary>
    public CodeTests? Tests { get; init; }
}
