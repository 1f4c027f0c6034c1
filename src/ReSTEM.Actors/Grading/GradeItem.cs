using ReSTEM.Core.Datasets;
using ReSTEM.Core.Problems;

namespace ReSTEM.Actors.Grading;

/// <summary>One input record ready to grade: the problem it answers and its completion.</summary>
/// <param name="Row">The input record.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Completion">The completion to check.</param>
public sealed record GradeItem(DataRow Row, Problem Problem, string Completion);
