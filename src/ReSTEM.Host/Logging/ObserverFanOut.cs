using ReSTEM.Actors.Runs;

namespace ReSTEM.Host.Logging;

/// <summary>Passes a run's progress and results to several observers (the console display, the log, the status file).</summary>
public sealed class ObserverFanOut : IRunObserver
{
    private readonly IReadOnlyList<IRunObserver> _observers;

    /// <summary>Creates a fan-out to <paramref name="observers"/>, called in this order.</summary>
    public ObserverFanOut(params IRunObserver[] observers)
    {
        _observers = observers;
    }

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail)
    {
        foreach (var o in _observers) o.PhaseStarted(iteration, phase, detail);
    }

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status)
    {
        foreach (var o in _observers) o.Progress(iteration, phase, done, total, status);
    }

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var o in _observers) o.IterationEvaluated(iteration, metrics);
    }

    /// <inheritdoc />
    public void Info(string message)
    {
        foreach (var o in _observers) o.Info(message);
    }
}
