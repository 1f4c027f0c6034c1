using ReSTEM.Storage.Tables;

namespace ReSTEM.Actors.Grading;

/// <summary>What the first pass learned about a completions file.</summary>
/// <param name="Rows">Records in it.</param>
/// <param name="BadRows">Malformed records (counted only when bad rows are skipped).</param>
/// <param name="Schema">The output's columns: the input's and the grading's.</param>
public sealed record GradeScan(long Rows, long BadRows, RowSchema Schema);
