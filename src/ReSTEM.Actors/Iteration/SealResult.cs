namespace ReSTEM.Actors.Iteration;

/// <summary>What the barrier sealed.</summary>
/// <param name="Problems">Train problems sealed.</param>
/// <param name="SampleRows">Verified samples on disk.</param>
/// <param name="TrainRows">Rows of D_i.</param>
/// <param name="SolvedProblems">Problems with at least one row in D_i.</param>
public sealed record SealResult(int Problems, long SampleRows, int TrainRows, int SolvedProblems);
