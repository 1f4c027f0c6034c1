using ReSTEM.Actors.Evaluation;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Training;
using ReSTEM.Core.Filtering;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Model;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Tests;

/// <summary>The plain classes the coordinator and the trainer rely on, without an actor system.</summary>
public sealed class PlainClassTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-plain-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Sealer_writes_D_i_with_correct_deduplicated_capped_samples_only()
    {
        var layout = new RunLayout(_root);
        var store = new SampleStore(layout);
        // p1: four correct, two of them the same after normalisation; p2: none correct.
        await store.WritePartAsync(1, [Row("p1", 0, 1, "a\n#### 7"), Row("p1", 1, 1, "a \n####  7"), Row("p1", 2, 0, "#### 0"), Row("p1", 3, 1, "b\n#### 7")]);
        await store.WritePartAsync(1, [Row("p2", 0, 0, "x"), Row("p2", 1, 0, "y"), Row("p2", 2, 0, "z"), Row("p2", 3, 0, "w")]);
        var sealer = new IterationSealer(store, new TableStore(layout), samplesPerProblem: 4, maxCorrectPerProblem: 2);

        var result = await sealer.SealAsync(1, [TestSamples.Problem("p1"), TestSamples.Problem("p2")], CancellationToken.None);

        Assert.Equal(new SealResult(2, 8, 2, 1), result);
        var train = await new TableStore(layout).ReadTrainSetAsync(1);
        Assert.Equal([0, 3], train.Select(t => t.SampleIndex));
        Assert.All(train, t => Assert.Equal("p1", t.ProblemId));
        Assert.Equal(2, train.Select(t => SampleFilter.Normalize(t.Completion)).Distinct().Count());
    }

    [Fact]
    public async Task Sealer_refuses_an_iteration_with_a_missing_sample_or_a_foreign_problem()
    {
        var layout = new RunLayout(_root);
        var store = new SampleStore(layout);
        await store.WritePartAsync(1, [Row("p1", 0, 1, "a"), Row("p1", 2, 1, "b"), Row("stranger", 0, 1, "c")]);
        var sealer = new IterationSealer(store, new TableStore(layout), samplesPerProblem: 3, maxCorrectPerProblem: 2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sealer.SealAsync(1, [TestSamples.Problem("p1")], CancellationToken.None));

        Assert.Contains("p1 has sample indexes [0,2]", error.Message);
        Assert.Contains("stranger is not a train problem of this run", error.Message);
        Assert.False(File.Exists(layout.TrainSet(1)));
    }

    [Fact]
    public async Task Evaluator_scores_greedy_once_and_sampled_n_times_per_problem_with_the_true_verdicts()
    {
        var (run, generator) = await ScriptedRunAsync();
        var verification = new InProcessVerification();
        var evaluator = new PolicyEvaluator(run.Task, verification, run.Options.Sampling.Decoding);

        var greedy = await evaluator.ScoreAsync(generator, run.TestProblems, 4, 0, 7, null, CancellationToken.None);
        var sampled = await evaluator.ScoreAsync(generator, run.TestProblems, 4, 0.7, 7, null, CancellationToken.None);

        Assert.All(greedy, s => Assert.Single(s.Completions));
        // The scripted policy answers greedily with the reference solution: every greedy answer is right.
        Assert.All(greedy, s => Assert.Equal(1f, s.Verdicts[0].Result.Reward));
        Assert.All(sampled, s => Assert.Equal(4, s.Completions.Count));
        Assert.Equal(run.TestProblems.Count * 5, verification.Calls);
        var rows = PolicyEvaluator.ToRows(sampled, 1, Split.Test, "sampled", "ckpt").ToList();
        Assert.Equal(run.TestProblems.Select(p => p.Id), rows.Select(r => r.ProblemId));
        Assert.All(rows, r => Assert.Equal(r.Completions.Count(c => ExactAnswerVerifier.Check(run.ProblemsById[r.ProblemId], c).Reward > 0), r.Correct));
        Assert.Contains(rows, r => r.Correct is > 0 and < 4);
    }

    [Fact]
    public async Task Evaluator_fails_instead_of_scoring_an_unverifiable_completion_as_wrong()
    {
        var (run, generator) = await ScriptedRunAsync();
        var victim = run.TestProblems[1].Id;
        var evaluator = new PolicyEvaluator(run.Task, new InProcessVerification(id => id == victim), run.Options.Sampling.Decoding);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => evaluator.ScoreAsync(generator, run.TestProblems, 1, 0, 7, null, CancellationToken.None));

        Assert.Contains($"{victim} could not be verified", error.Message);
        Assert.Contains("cannot fork (scripted)", error.Message);
    }

    [Fact]
    public async Task MStep_starts_from_the_base_model_unless_told_to_continue_and_the_baseline_always_does()
    {
        var fromBase = await TinyRun.CreateAsync(Path.Combine(_root, "a"), TinyRun.Options(3), new RecordingObserver());
        var options = TinyRun.Options(3);
        var fromLast = await TinyRun.CreateAsync(Path.Combine(_root, "b"), options with { Training = options.Training with { StartFrom = StartFrom.Last } }, new RecordingObserver());
        var evaluator = new PolicyEvaluator(fromBase.Task, new InProcessVerification(), fromBase.Options.Sampling.Decoding);

        Assert.Equal(fromBase.BaseCheckpoint, new MStepRunner(fromBase, evaluator).StartingCheckpoint(3));
        Assert.Equal(fromLast.Layout.Checkpoint(2), new MStepRunner(fromLast, evaluator).StartingCheckpoint(3));
        Assert.Equal(fromLast.BaseCheckpoint, new MStepRunner(fromLast, evaluator).StartingCheckpoint(1));
        Assert.Equal(fromLast.BaseCheckpoint, new MStepRunner(fromLast, evaluator).StartingCheckpoint(RunLayout.SftBaseline));
    }

    [Fact]
    public async Task MStep_on_an_empty_D_i_commits_the_starting_policy_unchanged()
    {
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), new RecordingObserver());
        var baseDigest = SaveRandomBase(run);
        var runner = new MStepRunner(run, new PolicyEvaluator(run.Task, new InProcessVerification(), run.Options.Sampling.Decoding));

        var result = await runner.RunAsync(1, [], null, CancellationToken.None);

        Assert.Equal(baseDigest, result.StartDigest);
        Assert.Equal(baseDigest, result.Digest);
        Assert.Equal(0, result.Examples);
        using var committed = Policy.Load(run.Layout.Checkpoint(1), run.Device);
        Assert.Equal(baseDigest, committed.WeightsDigest());
    }

    [Fact]
    public async Task MStep_trains_from_the_base_and_commits_the_epoch_with_the_best_validation_reward()
    {
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), new RecordingObserver());
        var baseDigest = SaveRandomBase(run);
        var train = run.TrainProblems.Take(12).Select((p, i) => new TrainRow
        {
            Iteration = 1, ProblemId = p.Id, SampleIndex = 0, Prompt = run.Task.FormatPrompt(p), Completion = p.Solution!, Reward = 1,
        }).ToList();
        var runner = new MStepRunner(run, new PolicyEvaluator(run.Task, new InProcessVerification(), run.Options.Sampling.Decoding with { MaxNewTokens = 16 }));

        var result = await runner.RunAsync(1, train, null, CancellationToken.None);

        Assert.Equal(baseDigest, result.StartDigest);
        Assert.NotEqual(baseDigest, result.Digest);
        Assert.Equal(train.Count, result.Examples);
        Assert.Equal(run.Options.Training.Optimizer.Epochs, result.ValidationHistory.Count);
        Assert.Equal(result.ValidationHistory.Max(), result.ValidationReward);
        Assert.Equal(result.ValidationHistory.ToList().IndexOf(result.ValidationHistory.Max()) + 1, result.BestEpoch);
        using var committed = Policy.Load(run.Layout.Checkpoint(1), run.Device);
        Assert.Equal(result.Digest, committed.WeightsDigest());
        Assert.Empty(Directory.EnumerateDirectories(Path.GetDirectoryName(run.Layout.Checkpoint(1))!, ReSTEM.Storage.Files.AtomicFile.TempPrefix + "*"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }

    private static string SaveRandomBase(ReSTEM.Actors.Runs.RunContext run)
    {
        var shape = run.Options.Model.BuiltInModel;
        var tokenizer = new CharTokenizer();
        var config = ModelConfig.BuiltIn(tokenizer.VocabSize, shape.HiddenSize, shape.Layers, shape.Heads, shape.KvHeads, shape.IntermediateSize, shape.MaxPositions);
        using var policy = Policy.CreateRandom(config, tokenizer, run.Device, 3);
        policy.Save(run.BaseCheckpoint);
        return policy.WeightsDigest();
    }

    private async Task<(ReSTEM.Actors.Runs.RunContext Run, ReSTEM.Core.Sampling.ICompletionGenerator Generator)> ScriptedRunAsync()
    {
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), new RecordingObserver());
        var loader = new ScriptedPolicyLoader(run.ProblemsById.Values.ToDictionary(p => run.Task.FormatPrompt(p)));
        return (run, loader.Load("unused", "ckpt").Generator);
    }

    private static SampleRow Row(string problem, int index, float reward, string completion) => new()
    {
        RunId = "t", Iteration = 1, ProblemId = problem, SampleIndex = index, Prompt = "q", Completion = completion, Reward = reward,
        Verdict = reward > 0 ? "passed" : "failed", CheckpointId = "c",
    };
}
