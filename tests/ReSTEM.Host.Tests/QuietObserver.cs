using ReSTEM.Actors.Runs;

namespace ReSTEM.Host.Tests;

/// <summary>A run observer that keeps nothing, for tests that read what a run wrote to disk.</summary>
internal sealed class QuietObserver : IRunObserver
{
    public void PhaseStarted(int iteration, string phase, string detail)
    {
    }

    public void Progress(int iteration, string phase, long done, long total, string status)
    {
    }

    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
    }

    public void Info(string message)
    {
    }
}
