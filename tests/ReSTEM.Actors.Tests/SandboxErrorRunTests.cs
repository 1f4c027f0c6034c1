using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Iteration;
using ReSTEM.Core.Options;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Actors.Tests;

/// <summary>
/// Whole runs whose verifier machinery fails (sandbox_error): a failure that is not the
/// candidate's is retried, never written or scored as reward 0, leaves its problem to a later
/// pass, and stops the run loudly when it does not go away.
/// </summary>
public sealed class SandboxErrorRunTests : TestKit
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-sandbox-errors-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public SandboxErrorRunTests(ITestOutputHelper output)
        : base(ReSTEM.Actors.Hosting.ReSTEMAkkaExtensions.BaseHocon, "sandbox-errors")
    {
        _output = output;
    }

    [Fact]
    public async Task Sandbox_errors_are_retried_and_an_unverifiable_problem_is_sealed_in_a_later_pass_with_no_sandbox_error_row()
    {
        var options = TinyRun.Options(iterations: 1);
        var observer = new RecordingObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        var k = options.Sampling.SamplesPerProblem;
        var attempts = options.Verification.Retries + 1;
        var unlucky = run.TrainProblems[3].Id;
        // Every first call for a completion fails once (a retry saves it); and every attempt of every
        // sample of `unlucky` fails in the first pass (K samples x attempts calls), so it must wait for pass 2.
        var verifier = new FlakySandboxVerifier(transient: true, persistentProblemId: unlucky, persistentCalls: k * attempts);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, verifier, observer.Lines, _output);

        Assert.True(finished.Succeeded, finished.Message);
        Assert.Equal(k * attempts, verifier.PersistentErrors);
        Assert.True(verifier.TransientErrors > 0, "no transient sandbox error happened, so the retry went untested");

        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(rows, r => r.Verdict == Verdict.SandboxError.ToName());
        // K rows per problem, each index once: the unlucky problem's first pass left nothing behind.
        Assert.Equal(run.TrainProblems.Count * k, rows.Count);
        Assert.All(run.TrainProblems, p => Assert.Equal(Enumerable.Range(0, k), rows.Where(r => r.ProblemId == p.Id).Select(r => r.SampleIndex).Order()));
        // Every stored verdict is the true one, not a retried machinery failure scored 0.
        Assert.All(rows, r =>
        {
            var truth = ExactAnswerVerifier.Check(run.ProblemsById[r.ProblemId], r.Completion);
            Assert.Equal(truth.Verdict.ToName(), r.Verdict);
            Assert.Equal(truth.Reward, r.Reward);
        });
        var record = run.Manifests.Load().Find(1)!;
        Assert.Equal(IterationPhase.Evaluated, record.Phase);
        Assert.Equal(run.TrainProblems.Count, record.SealedProblems);
        Assert.Equal(rows.Count, record.SampleRows);

        // The first pass left exactly the unlucky problem, for the sandbox errors; the second sealed it.
        Assert.Contains(observer.Lines, l => l.Contains($"iteration 1: pass 1 left 1 problems unsealed (e.g. {unlucky})")
            && l.Contains($"{k} samples of 1 problems could not be verified")
            && l.Contains(FlakySandboxVerifier.Reason));
        Assert.DoesNotContain(observer.Lines, l => l.Contains("pass 2 left"));

        // Evaluation met transient errors too (other problems, other completions): every stored reward is the true one.
        for (var i = 0; i <= options.Iterations; i++)
        {
            var eval = await run.Tables.ReadEvaluationAsync(i);
            Assert.Equal(run.TestProblems.Count, eval.Count(e => e.Split == "test" && e.Mode == "greedy"));
            Assert.All(eval, e => Assert.Equal(
                e.Completions.Select(c => ExactAnswerVerifier.Check(run.ProblemsById[e.ProblemId], c).Reward),
                e.Rewards));
        }
    }

    [Fact]
    public async Task A_sandbox_that_always_fails_stops_the_run_with_exit_code_1_and_the_reason()
    {
        var options = TinyRun.WithoutBaseTraining(TinyRun.Options(iterations: 1), _root) with
        {
            Verification = new VerificationOptions { Parallelism = 2, Retries = 1, MaxConsecutiveSandboxErrors = 5 },
        };
        var observer = new RecordingObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        var train = run.TrainProblems.Select(p => p.Id).ToHashSet();
        // Broken for the E-step's problems only, so the base model's evaluation gets through first.
        var verifier = new FlakySandboxVerifier(transient: false, broken: train.Contains);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, verifier, observer.Lines, _output);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("the E-step of iteration 1 failed", finished.Message);
        Assert.Contains("5 verifications in a row ended in sandbox_error", finished.Message);
        Assert.Contains(FlakySandboxVerifier.Reason, finished.Message);
        Assert.True(verifier.BrokenErrors >= 5 * 2, $"{verifier.BrokenErrors} calls failed; 5 samples of 2 attempts each were expected at least");
        Assert.True(verifier.Calls > verifier.BrokenErrors, "the base model's evaluation verified nothing");
        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        Assert.Empty(rows);
        Assert.Equal(IterationPhase.Sampling, run.Manifests.Load().Find(1)!.Phase);
    }

    [Fact]
    public async Task An_evaluation_that_cannot_verify_a_problem_fails_with_exit_code_1_instead_of_scoring_it_incorrect()
    {
        var options = TinyRun.WithoutBaseTraining(TinyRun.Options(iterations: 1), _root);
        var observer = new RecordingObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        var victim = run.TestProblems[0].Id;
        var verifier = new FlakySandboxVerifier(transient: true, broken: id => id == victim);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, verifier, observer.Lines, _output);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("evaluation of iteration 0 failed", finished.Message);
        Assert.Contains($"{victim} could not be verified", finished.Message);
        Assert.Contains(FlakySandboxVerifier.Reason, finished.Message);
        // The victim's one greedy completion was tried on every attempt; the others' transient errors were retried away.
        Assert.Equal(options.Verification.Retries + 1, verifier.BrokenErrors);
        Assert.True(verifier.TransientErrors > 0, "no transient sandbox error happened in the evaluation");
        Assert.False(File.Exists(run.Layout.Eval(0)));
        Assert.NotEqual(IterationPhase.Evaluated, run.Manifests.Load().Find(0)!.Phase);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }
}
