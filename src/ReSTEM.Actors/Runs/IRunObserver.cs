namespace ReSTEM.Actors.Runs;

/// <summary>
/// Receives a run's progress and results (the console display, logs, tests). Called from
/// actor and worker threads: implementations must be thread-safe and quick.
/// </summary>
public interface IRunObserver
{
    /// <summary>A phase of an iteration started (e.g. "sampling", "training", "evaluating").</summary>
    void PhaseStarted(int iteration, string phase, string detail);

    /// <summary>Progress within the current phase: <paramref name="done"/> of <paramref name="total"/> units, with a short status.</summary>
    void Progress(int iteration, string phase, long done, long total, string status);

    /// <summary>An iteration finished its evaluation, with its headline metrics.</summary>
    void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics);

    /// <summary>A notable event worth a line in the log.</summary>
    void Info(string message);
}
