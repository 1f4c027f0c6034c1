using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ReSTEM.Actors.Runs;
using ReSTEM.Storage.TensorBoard;

namespace ReSTEM.Host.Telemetry;

/// <summary>
/// A run's curves as TensorBoard scalars under <c>&lt;run folder&gt;/tensorboard</c>: every
/// optimizer step's loss, learning rate and gradient norm (<c>train/iter-&lt;i&gt;/&lt;phase&gt;/loss</c>, steps
/// counted within each), read from <see cref="RunMetrics"/> by a meter listener; and per
/// iteration (step = iteration) the E-step's accept rate (<c>estep/accept_rate</c>) and the
/// evaluation's headline metrics (<c>eval/pass@1</c>, <c>eval/pass@4</c>, ...).
/// </summary>
public sealed class TensorBoardRecorder : IRunObserver, IDisposable
{
    /// <summary>The folder under the run folder.</summary>
    public const string FolderName = "tensorboard";

    private readonly EventFileWriter _writer;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, (long Written, long Correct)> _samples = new();

    /// <summary>Starts a new event file in <paramref name="runDir"/>/tensorboard and listens to the run's instruments.</summary>
    public TensorBoardRecorder(string runDir)
    {
        _writer = new EventFileWriter(Path.Combine(runDir, FolderName));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RunMetrics.MeterName && instrument.Name is RunMetrics.Names.TrainingLoss or RunMetrics.Names.LearningRate or RunMetrics.Names.GradNorm
                    or RunMetrics.Names.SamplesWritten or RunMetrics.Names.SamplesCorrect)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnTraining);
        _listener.SetMeasurementEventCallback<long>(OnSamples);
        _listener.Start();
    }

    /// <summary>The event file.</summary>
    public string EventFile => _writer.Path;

    /// <inheritdoc />
    public void PhaseStarted(int iteration, string phase, string detail)
    {
    }

    /// <inheritdoc />
    public void Progress(int iteration, string phase, long done, long total, string status)
    {
    }

    /// <inheritdoc />
    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        if (_samples.TryGetValue(iteration, out var s) && s.Written > 0) _writer.Scalar("estep/accept_rate", iteration, (double)s.Correct / s.Written);
        // The SFT baseline (a negative iteration number) is its own series beside the iterations' curves.
        var prefix = iteration < 0 ? "baseline/" : "eval/";
        foreach (var (key, value) in metrics.Where(kv => !kv.Key.Contains('/')).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _writer.Scalar(prefix + key, Math.Max(0, iteration), value);
        }
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _listener.Dispose();
        _writer.Dispose();
    }

    private void OnTraining(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var iteration = 0;
        var phase = "train";
        foreach (var tag in tags)
        {
            if (tag.Key == "iteration" && tag.Value is int i) iteration = i;
            else if (tag.Key == "phase" && tag.Value is string p) phase = p.Replace(' ', '_');
        }
        var name = instrument.Name switch
        {
            RunMetrics.Names.TrainingLoss => "loss",
            RunMetrics.Names.LearningRate => "learning_rate",
            _ => "grad_norm",
        };
        var series = $"train/{(iteration < 0 ? "baseline" : $"iter-{iteration}")}/{phase}/{name}";
        _writer.Scalar(series, _steps.AddOrUpdate(series, 1, (_, step) => step + 1), value);
    }

    private void OnSamples(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var iteration = -1;
        foreach (var tag in tags)
        {
            if (tag.Key == "iteration" && tag.Value is int i) iteration = i;
        }
        var written = instrument.Name == RunMetrics.Names.SamplesWritten ? value : 0;
        var correct = instrument.Name == RunMetrics.Names.SamplesCorrect ? value : 0;
        _samples.AddOrUpdate(iteration, (written, correct), (_, s) => (s.Written + written, s.Correct + correct));
    }
}
