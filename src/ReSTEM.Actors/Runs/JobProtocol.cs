namespace ReSTEM.Actors.Runs;

/// <summary>Ask a trainer or evaluator which job it is running; the reply is <see cref="JobStatus"/>.</summary>
public sealed record GetJobStatus
{
    /// <summary>The only instance.</summary>
    public static GetJobStatus Instance { get; } = new();

    private GetJobStatus()
    {
    }
}

/// <summary>
/// Which iteration's job a trainer or evaluator is running (null: none). Sent after any result
/// of an earlier job, so a coordinator that still waits for a result while this says null knows
/// the result was lost.
/// </summary>
/// <param name="Running">The iteration whose job runs, or null.</param>
public sealed record JobStatus(int? Running);
