using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Verification;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Filtering;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>The E-step graph with scripted stages: every failed call is a value, never the pass's end.</summary>
public sealed class EStepGraphTests : TestKit
{
    private const int K = 3;
    private static readonly IReadOnlyList<Problem> Problems = Enumerable.Range(0, 8).Select(i => TestSamples.Problem($"p{i}")).ToList();

    [Fact]
    public async Task Every_problem_is_written_once_with_its_K_samples_when_nothing_fails()
    {
        var stages = new ScriptedStages();

        var (written, warnings) = await PassAsync(stages);

        Assert.Equal(Problems.Select(p => p.Id).Order(), written.SelectMany(w => w.ProblemIds).Order());
        Assert.Equal(Problems.Count * K, stages.RowsWritten);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task A_failed_filter_ask_leaves_only_its_problem_unsealed_and_the_pass_completes()
    {
        var stages = new ScriptedStages { CollectFails = { ("p2", 1) } };

        var (written, warnings) = await PassAsync(stages);

        Assert.Equal(Problems.Select(p => p.Id).Where(id => id != "p2").Order(), written.SelectMany(w => w.ProblemIds).Order());
        Assert.Contains(warnings, w => w.Contains("sample 1 of p2 did not reach the filter") && w.Contains("drawn again"));
    }

    [Fact]
    public async Task A_failed_write_is_tried_again_and_its_problems_are_written_once()
    {
        var stages = new ScriptedStages { WriteFailures = 1 };

        var (written, warnings) = await PassAsync(stages, writeAttempts: 3);

        Assert.Equal(Problems.Select(p => p.Id).Order(), written.SelectMany(w => w.ProblemIds).Order());
        Assert.Equal(Problems.Count * K, stages.RowsWritten);
        Assert.Contains(warnings, w => w.Contains("trying again (2 of 3)"));
    }

    [Fact]
    public async Task A_write_that_keeps_failing_leaves_its_problems_unsealed_without_failing_the_pass()
    {
        var stages = new ScriptedStages { WriteFailures = int.MaxValue };

        var (written, warnings) = await PassAsync(stages, writeAttempts: 2);

        Assert.Empty(written);
        Assert.Equal(0, stages.RowsWritten);
        Assert.Contains(warnings, w => w.Contains("could not be written after 2 attempts"));
    }

    [Fact]
    public async Task A_failed_batch_and_an_unanswered_verification_cost_only_their_problems()
    {
        var stages = new ScriptedStages { GenerateFails = { "p0" }, VerifyFails = { ("p5", 2) } };

        var (written, warnings) = await PassAsync(stages);

        // The batch of p0 is p0 and p1 (two problems per batch); p5 lost one verification.
        Assert.Equal(new[] { "p2", "p3", "p4", "p6", "p7" }, written.SelectMany(w => w.ProblemIds).Order());
        Assert.Contains(warnings, w => w.Contains("a batch of 2 problems failed"));
        Assert.Contains(warnings, w => w.Contains("sample 2 of p5 was not verified (no answer in time)"));
    }

    [Fact]
    public async Task A_run_of_sandbox_errors_fails_the_pass_with_the_reason()
    {
        var stages = new ScriptedStages { SandboxBroken = true };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => PassAsync(stages, sandboxLimit: 4));

        Assert.Contains("4 verifications in a row ended in sandbox_error", failure.Message);
        Assert.Equal(0, stages.RowsWritten);
    }

    private async Task<(IReadOnlyList<ProblemsWritten> Written, IReadOnlyList<string> Warnings)> PassAsync(
        ScriptedStages stages, int writeAttempts = 2, int sandboxLimit = 100)
    {
        var warnings = new ConcurrentQueue<string>();
        var graph = new EStepGraph(stages, new EStepGraphSettings(2, 3, 3, TimeSpan.FromMilliseconds(50), writeAttempts),
            new SandboxErrorGuard(sandboxLimit), new EStepLoad(), warnings.Enqueue);
        var written = await graph.Pass(1, Problems).RunWith(Sink.Seq<ProblemsWritten>(), Sys.Materializer()).WaitAsync(TimeSpan.FromSeconds(30));
        return (written, warnings.ToList());
    }

    private sealed class ScriptedStages : IEStepStages
    {
        private readonly ProblemCollector _collector = new(K, new SampleFilter(2));
        private readonly Lock _lock = new();
        private int _rows;
        private int _writeFailures;

        public HashSet<string> GenerateFails { get; } = [];

        public HashSet<(string, int)> VerifyFails { get; } = [];

        public HashSet<(string, int)> CollectFails { get; } = [];

        public int WriteFailures { get; init; }

        public bool SandboxBroken { get; init; }

        public int RowsWritten => Volatile.Read(ref _rows);

        public int Samplers => 2;

        public Task<object> GenerateAsync(int sampler, GenerateBatch batch)
        {
            if (batch.Problems.Any(p => GenerateFails.Contains(p.Id))) return Task.FromException<object>(new InvalidOperationException("sampler crashed"));
            var samples = batch.Problems.SelectMany(p => Enumerable.Range(0, K).Select(i => TestSamples.Generated(p.Id, i))).ToList();
            return Task.FromResult<object>(new BatchGenerated(batch.Iteration, samples));
        }

        public Task<Verified> VerifyAsync(GeneratedSample sample)
        {
            if (VerifyFails.Contains((sample.ProblemId, sample.SampleIndex))) return Task.FromException<Verified>(new AskTimeoutException("timed out"));
            var result = SandboxBroken ? new VerificationResult(Verdict.SandboxError, "cannot fork", null) : VerificationResult.Pass("7");
            return Task.FromResult(new Verified(result, 1, "local"));
        }

        public Task<SampleCollected> CollectAsync(VerifiedSample sample)
        {
            if (CollectFails.Contains((sample.Sample.ProblemId, sample.Sample.SampleIndex))) return Task.FromException<SampleCollected>(new AskTimeoutException("timed out"));
            lock (_lock) return Task.FromResult(new SampleCollected(_collector.Add(sample)));
        }

        public Task<ProblemsWritten> WriteAsync(WriteProblems write)
        {
            if (Interlocked.Increment(ref _writeFailures) <= WriteFailures) return Task.FromException<ProblemsWritten>(new IOException("disk full"));
            var rows = write.Problems.Sum(p => p.Samples.Count);
            Interlocked.Add(ref _rows, rows);
            return Task.FromResult(new ProblemsWritten(write.Iteration, write.Problems.Select(p => p.ProblemId).ToList(), rows, 0, rows, "part"));
        }
    }
}
