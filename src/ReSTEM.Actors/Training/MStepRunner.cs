using ReSTEM.Actors.Evaluation;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Metrics;
using ReSTEM.Core.Options;
using ReSTEM.Core.Training;
using ReSTEM.Model;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Training;

/// <summary>
/// The M-step: fine-tunes FROM THE BASE model p0 (or, with <c>start-from = last</c>, from the
/// previous policy; the SFT baseline always from p0) on D_i with reward-weighted NLL, evaluates greedy pass@1 on the validation
/// split after every epoch, and commits the best epoch's weights as <c>iter-i/checkpoint</c>.
/// </summary>
public sealed class MStepRunner
{
    private readonly RunContext _run;
    private readonly PolicyEvaluator _evaluator;

    /// <summary>Creates the runner; <paramref name="evaluator"/> scores validation problems.</summary>
    public MStepRunner(RunContext run, PolicyEvaluator evaluator)
    {
        _run = run;
        _evaluator = evaluator;
    }

    /// <summary>The checkpoint folder iteration <paramref name="iteration"/>'s M-step starts from.</summary>
    public string StartingCheckpoint(int iteration) =>
        _run.Options.Training.StartFrom == StartFrom.Base || iteration == RunLayout.SftBaseline ? _run.BaseCheckpoint : _run.CheckpointOf(iteration - 1);

    /// <summary>Trains iteration <paramref name="iteration"/> on <paramref name="trainSet"/> and commits its checkpoint.</summary>
    public async Task<MStepResult> RunAsync(int iteration, IReadOnlyList<TrainRow> trainSet, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var startDir = StartingCheckpoint(iteration);
        using var policy = Policy.Load(startDir, _run.Device);
        var startDigest = policy.WeightsDigest();
        var finalDir = _run.Layout.Checkpoint(iteration);
        var options = _run.Options.Training;
        var examples = trainSet.Select(r => new TrainingExample(r.Prompt, r.Completion, r.Reward)).ToList();

        if (examples.Count == 0)
        {
            // No correct sample at all: fine-tuning on nothing leaves the starting policy.
            progress?.Report("D_i is empty: the iteration's policy is its starting policy");
            BaseModelBuilder.Commit(policy, finalDir);
            return new MStepResult(startDigest, startDigest, 0, null, []);
        }

        var optimizer = options.Optimizer with { Seed = options.Optimizer.Seed + iteration };
        using var trainer = new Trainer(policy, optimizer, examples.Count);
        Directory.CreateDirectory(Path.GetDirectoryName(finalDir)!);
        string? bestDir = null;
        var bestDigest = "";
        double? bestReward = null;
        var bestEpoch = 0;
        var history = new List<double>();
        try
        {
            for (var epoch = 0; epoch < optimizer.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var report = trainer.TrainEpoch(examples, epoch, new SynchronousProgress<TrainingProgress>(p => RunMetrics.TrainingStep(iteration, "m-step", p.Loss, p.LearningRate, p.GradNorm)), cancellationToken);
                progress?.Report($"epoch {epoch + 1}/{optimizer.Epochs}: {BaseModelBuilder.Describe(report)}");
                var last = epoch == optimizer.Epochs - 1;
                if (!options.SelectByValidation || _run.ValidationProblems.Count == 0)
                {
                    if (last)
                    {
                        bestDir = SaveTemp(policy, finalDir, bestDir);
                        bestDigest = policy.WeightsDigest();
                        bestEpoch = epoch + 1;
                    }
                    continue;
                }
                var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = _run.Options.Sampling.MaxConcurrentSequences, MaxPromptTokens = _run.Options.Prompt.MaxTokens }, $"iter-{iteration}-epoch-{epoch + 1}");
                var scored = await _evaluator.ScoreAsync(generator, _run.ValidationProblems, 1, 0, _run.Options.Seed, null, cancellationToken).ConfigureAwait(false);
                var reward = MetricsCalculator.Greedy(scored.Select(s => s.ToOutcome()).ToList())["pass@1"];
                history.Add(reward);
                progress?.Report($"epoch {epoch + 1}: validation pass@1 {reward:P1}");
                if (bestReward is null || reward > bestReward)
                {
                    bestReward = reward;
                    bestEpoch = epoch + 1;
                    bestDir = SaveTemp(policy, finalDir, bestDir);
                    bestDigest = policy.WeightsDigest();
                }
            }
            if (Directory.Exists(finalDir)) Directory.Delete(finalDir, recursive: true);
            AtomicFile.CommitDirectory(bestDir!, finalDir);
            bestDir = null;
            return new MStepResult(startDigest, bestDigest, examples.Count, bestReward, history) { BestEpoch = bestEpoch };
        }
        finally
        {
            if (bestDir is not null && Directory.Exists(bestDir)) Directory.Delete(bestDir, recursive: true);
        }
    }

    private string SaveTemp(Policy policy, string finalDir, string? previous)
    {
        var temp = AtomicFile.TempPathFor(finalDir);
        policy.Save(temp);
        // A Hugging Face base's generation settings and tokenizer files go with every checkpoint trained from it.
        if (_run.Options.Model.Base != ModelOptions.BuiltIn) HfFolder.CopyCompanionFiles(_run.BaseCheckpoint, temp);
        if (previous is not null && Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        return temp;
    }
}
