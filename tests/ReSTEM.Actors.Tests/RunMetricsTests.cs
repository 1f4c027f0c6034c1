using System.Diagnostics.Metrics;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>The instruments are process-wide: these tests run alone so no other test's run records into them meanwhile.</summary>
[CollectionDefinition(nameof(RunMetricsTests), DisableParallelization = true)]
public sealed class RunMetricsCollection;

[Collection(nameof(RunMetricsTests))]
public sealed class RunMetricsTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RunMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.Start();
        }

        public List<(string Name, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = [];

        public void Observe() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();

        private void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var t in tags) copy[t.Key] = t.Value;
            lock (_lock) Measurements.Add((name, value, copy));
        }
    }

    [Fact]
    public void A_sandbox_error_counts_as_a_verification_by_verdict_and_as_a_sandbox_error()
    {
        using var recorder = new Recorder();

        RunMetrics.Verified(new VerificationResult(Verdict.SandboxError, "cannot fork", null), 12.5);
        RunMetrics.Verified(VerificationResult.Pass("7"), 3);

        var m = recorder.Measurements;
        Assert.Contains(m, x => x.Name == RunMetrics.Names.Verifications && Equals(x.Tags["verdict"], "sandbox_error") && x.Value == 1);
        Assert.Contains(m, x => x.Name == RunMetrics.Names.Verifications && Equals(x.Tags["verdict"], "passed") && x.Value == 1);
        Assert.Equal(1, m.Count(x => x.Name == RunMetrics.Names.SandboxErrors));
        Assert.Equal([12.5, 3.0], m.Where(x => x.Name == RunMetrics.Names.VerificationDuration).Select(x => x.Value));
    }

    [Fact]
    public void Written_samples_are_counted_per_iteration_and_feed_the_accept_rate()
    {
        using var recorder = new Recorder();

        RunMetrics.Written(3, 8, 2);
        recorder.Observe();

        var m = recorder.Measurements;
        Assert.Contains(m, x => x.Name == RunMetrics.Names.SamplesWritten && Equals(x.Tags["iteration"], 3) && x.Value == 8);
        Assert.Contains(m, x => x.Name == RunMetrics.Names.SamplesCorrect && Equals(x.Tags["iteration"], 3) && x.Value == 2);
        var rate = Assert.Single(m, x => x.Name == RunMetrics.Names.AcceptRate).Value;
        Assert.InRange(rate, 0.0, 1.0);
        Assert.True(rate > 0);
    }

    [Fact]
    public void A_queue_is_observed_while_its_probe_lives()
    {
        using var recorder = new Recorder();
        var depth = 5;

        using (RunMetrics.ObserveQueue("test-queue", () => depth))
        {
            recorder.Observe();
            depth = 2;
            recorder.Observe();
        }
        recorder.Observe();

        Assert.Equal([5.0, 2.0], recorder.Measurements.Where(x => x.Name == RunMetrics.Names.QueueDepth && Equals(x.Tags["stage"], "test-queue")).Select(x => x.Value));
    }

    [Fact]
    public void A_training_step_records_loss_learning_rate_and_gradient_norm_by_iteration_and_phase()
    {
        using var recorder = new Recorder();

        RunMetrics.TrainingStep(2, "m-step", 1.5, 1e-3, 0.75);

        var m = recorder.Measurements;
        foreach (var (name, value) in new[] { (RunMetrics.Names.TrainingLoss, 1.5), (RunMetrics.Names.LearningRate, 1e-3), (RunMetrics.Names.GradNorm, 0.75) })
        {
            var x = Assert.Single(m, x => x.Name == name);
            Assert.Equal(value, x.Value);
            Assert.Equal(2, x.Tags["iteration"]);
            Assert.Equal("m-step", x.Tags["phase"]);
        }
    }
}
