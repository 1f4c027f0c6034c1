using System.Text.Json;
using ReSTEM.Actors.Runs;
using ReSTEM.Storage.Files;

namespace ReSTEM.Host.Telemetry;

/// <summary>
/// The run folder's <c>status.json</c>, for supervisors and health checks: process id, run id,
/// phase, iteration, progress, the last warning and error, when it started and when this was
/// written. Rewritten atomically at most every interval while something changed (a reader sees
/// the previous or the next whole file), and once more when the command ends with its outcome.
/// </summary>
public sealed class StatusFile : IRunObserver, IAsyncDisposable
{
    /// <summary>The file's name in a run folder.</summary>
    public const string FileName = "status.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string _path;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTime _started = DateTime.UtcNow;
    private Task _loop = Task.CompletedTask;
    private bool _dirty = true;
    private string? _runId;
    private int? _iteration;
    private string _phase = "starting";
    private string? _detail;
    private long _done;
    private long _total;
    private string? _progressStatus;
    private string? _lastWarning;
    private string? _lastError;
    private string _state = "running";

    /// <summary>Creates the status file of the run folder <paramref name="runDir"/>; nothing is written before <see cref="Start"/>.</summary>
    public StatusFile(string runDir, TimeSpan interval)
    {
        _path = Path.Combine(runDir, FileName);
        _interval = interval;
    }

    /// <summary>The file's path.</summary>
    public string FilePath => _path;

    /// <summary>Writes the file now and then whenever it changed, at most every interval, for the run <paramref name="runId"/>.</summary>
    public void Start(string? runId)
    {
        lock (_lock) _runId = runId;
        _loop = LoopAsync(_stop.Token);
    }

    /// <summary>Sets the run id once it is known.</summary>
    public void SetRun(string runId)
    {
        lock (_lock)
        {
            _runId = runId;
            _dirty = true;
        }
    }

    /// <summary>The command ended: <paramref name="state"/> is done, failed or stopped; a failure's <paramref name="error"/> is kept.</summary>
    public async Task CompleteAsync(string state, string? error)
    {
        lock (_lock)
        {
            _state = state;
            if (error is not null) _lastError = error;
            _dirty = true;
        }
        await StopLoopAsync().ConfigureAwait(false);
        await WriteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail) => Update(() =>
    {
        _iteration = iteration;
        _phase = phase;
        _detail = detail;
        (_done, _total, _progressStatus) = (0, 0, null);
    });

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status) => Update(() =>
    {
        _iteration = iteration;
        _phase = phase;
        (_done, _total, _progressStatus) = (done, total, status);
    });

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) => Update(() => _detail = $"iteration {iteration} evaluated");

    /// <inheritdoc />
    public void Info(string message)
    {
        if (message.StartsWith("warning: ", StringComparison.Ordinal)) Update(() => _lastWarning = message["warning: ".Length..]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopLoopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Update(Action change)
    {
        lock (_lock)
        {
            change();
            _dirty = true;
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await WriteAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopLoopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        string text;
        lock (_lock)
        {
            if (!_dirty) return;
            _dirty = false;
            text = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["pid"] = Environment.ProcessId,
                ["run_id"] = _runId,
                ["state"] = _state,
                ["phase"] = _phase,
                ["iteration"] = _iteration,
                ["detail"] = _detail,
                ["progress"] = new Dictionary<string, object?> { ["done"] = _done, ["total"] = _total, ["status"] = _progressStatus },
                ["last_warning"] = _lastWarning,
                ["last_error"] = _lastError,
                ["started_utc"] = _started,
                ["updated_utc"] = DateTime.UtcNow,
            }, Json);
        }
        try
        {
            await AtomicFile.WriteAllTextAsync(_path, text + "\n", cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A full disk or a vanished folder must not stop the run; the next change tries again.
            lock (_lock) _dirty = true;
        }
    }
}
