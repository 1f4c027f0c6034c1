namespace ReSTEM.Actors.Grading;

/// <summary>Where a grading job stands.</summary>
/// <param name="Done">Records handled (graded or set aside).</param>
/// <param name="Total">Records in the input.</param>
/// <param name="Passed">Completions that passed so far.</param>
/// <param name="Graded">Completions graded so far.</param>
/// <param name="Elapsed">Time since grading began.</param>
public sealed record GradeProgress(long Done, long Total, long Passed, long Graded, TimeSpan Elapsed)
{
    /// <summary>Records per second.</summary>
    public double RowsPerSecond => Done / Math.Max(1e-9, Elapsed.TotalSeconds);

    /// <summary>Share of graded completions that passed.</summary>
    public double AcceptRate => Graded == 0 ? 0 : (double)Passed / Graded;
}
