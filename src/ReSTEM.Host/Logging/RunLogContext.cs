namespace ReSTEM.Host.Logging;

/// <summary>
/// The fields every log line of a run carries: the run's id and the iteration and phase it is
/// in. One run per process, so one shared context; updated by the run's observer, read by
/// every line whatever thread (actor, native job, host) writes it.
/// </summary>
public sealed class RunLogContext
{
    private volatile Snapshot _current = new(null, null, null);

    /// <summary>The fields at this moment.</summary>
    public Snapshot Current => _current;

    /// <summary>Sets the run's id.</summary>
    public void SetRun(string runId) => _current = _current with { RunId = runId };

    /// <summary>Sets the iteration and phase the run entered.</summary>
    public void SetPhase(int iteration, string phase) => _current = _current with { Iteration = iteration, Phase = phase };

    /// <summary>The fields of one moment; null before the run set them.</summary>
    /// <param name="RunId">The run's id.</param>
    /// <param name="Iteration">The current iteration (0: the base model).</param>
    /// <param name="Phase">The current phase (e.g. sampling, training, evaluating).</param>
    public sealed record Snapshot(string? RunId, int? Iteration, string? Phase);
}
