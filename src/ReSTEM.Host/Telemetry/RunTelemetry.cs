using OpenTelemetry.Metrics;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Telemetry;

/// <summary>
/// What a run shows to operators besides its log: <c>status.json</c>, TensorBoard event files and
/// the configured metrics exporters. An observer of the run; nothing is written or bound before
/// <see cref="Start"/> (called once the run folder is the command's).
/// </summary>
public sealed class RunTelemetry : IRunObserver, IAsyncDisposable
{
    private readonly TelemetryOptions _options;
    private readonly string _runDir;
    private readonly StatusFile _status;
    private TensorBoardRecorder? _tensorBoard;
    private MeterProvider? _meters;

    /// <summary>Creates the telemetry of the run folder <paramref name="runDir"/>.</summary>
    public RunTelemetry(TelemetryOptions options, string runDir)
    {
        _options = options;
        _runDir = runDir;
        _status = new StatusFile(runDir, options.StatusInterval);
    }

    /// <summary>The Prometheus scrape URL, when the endpoint is on.</summary>
    public string? ScrapeUrl => _options.PrometheusPort == 0 ? null : $"http://{_options.PrometheusHost}:{_options.PrometheusPort}{MetricsExport.ScrapePath}";

    /// <summary>Starts the status file, the TensorBoard event file and the exporters.</summary>
    /// <exception cref="ConfigurationError">The scrape endpoint cannot listen on the configured address and port.</exception>
    public void Start()
    {
        _status.Start(null);
        if (_options.TensorBoard) _tensorBoard = new TensorBoardRecorder(_runDir);
        try
        {
            _meters = MetricsExport.Start(_options, Path.GetFileName(_runDir));
        }
        catch (Exception e) when (e is System.Net.HttpListenerException or InvalidOperationException)
        {
            throw new ConfigurationError(
                $"restem.telemetry.prometheus-port = {_options.PrometheusPort}, restem.telemetry.prometheus-host = {_options.PrometheusHost}: cannot serve metrics there ({e.Message}); choose a free port, or 0 for off", e);
        }
    }

    /// <summary>The run's id is known.</summary>
    public void SetRun(string runId) => _status.SetRun(runId);

    /// <summary>The run ended: the status file says how, then everything is flushed and closed.</summary>
    public Task CompleteAsync(RunOutcome outcome) =>
        _status.CompleteAsync(outcome.Succeeded ? "done" : outcome.ExitCode == 0 ? "stopped" : "failed", outcome.Succeeded || outcome.ExitCode == 0 ? null : outcome.Message);

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail)
    {
        _status.PhaseStarted(iteration, phase, detail);
        _tensorBoard?.PhaseStarted(iteration, phase, detail);
    }

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status) => _status.Progress(iteration, phase, done, total, status);

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        _status.IterationEvaluated(iteration, metrics);
        _tensorBoard?.IterationEvaluated(iteration, metrics);
    }

    /// <inheritdoc />
    public void Info(string message) => _status.Info(message);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _status.DisposeAsync().ConfigureAwait(false);
        _tensorBoard?.Dispose();
        _meters?.Dispose();
    }
}
