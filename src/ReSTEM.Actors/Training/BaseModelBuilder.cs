using ReSTEM.Actors.Runs;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Core.Training;
using ReSTEM.Model;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Training;

/// <summary>
/// Makes the base model p0 of a run with the built-in model: random weights, then packed
/// arithmetic drill lines (arithmetic task only), then a small set of human-written worked
/// solutions, and commits it as <c>iter-0/checkpoint</c>. A Hugging Face base model is used as
/// it is and needs no building.
/// </summary>
public sealed class BaseModelBuilder
{
    private readonly RunContext _run;

    /// <summary>Creates the builder for <paramref name="run"/>.</summary>
    public BaseModelBuilder(RunContext run)
    {
        _run = run;
    }

    /// <summary>The human-solution examples the base model learns from: the first <c>pretrain.human-solutions</c> of <see cref="HumanSolutions"/>.</summary>
    public IReadOnlyList<TrainingExample> HumanExamples() =>
        HumanSolutions()
            .Take(_run.Options.Model.Pretrain.HumanSolutions)
            .Select(x => new TrainingExample(_run.Task.FormatPrompt(x.Problem), x.Reference))
            .ToList();

    /// <summary>Every train problem that has a human solution, with that solution written as a completion.</summary>
    private IEnumerable<(Problem Problem, string Reference)> HumanSolutions() =>
        _run.TrainProblems
            .Select(p => (Problem: p, Reference: _run.Task.FormatReference(p)))
            .Where(x => x.Reference is not null)
            .Select(x => (x.Problem, x.Reference!));

    /// <summary>
    /// The SFT baseline's training set: the human solution of every train problem that has one,
    /// as rows of <c>baseline-sft/train.parquet</c> (reward 1, iteration <see cref="RunLayout.SftBaseline"/>).
    /// </summary>
    public IReadOnlyList<TrainRow> SftTrainSet() =>
        HumanSolutions()
            .Select(x => new TrainRow
            {
                Iteration = RunLayout.SftBaseline,
                ProblemId = x.Problem.Id,
                SampleIndex = 0,
                Prompt = _run.Task.FormatPrompt(x.Problem),
                Completion = x.Reference,
                Reward = 1f,
            })
            .ToList();

    /// <summary>Packed drill lines, one training sequence per <c>drill-lines-per-example</c> lines; empty for tasks without a drill.</summary>
    public IReadOnlyList<TrainingExample> DrillExamples()
    {
        var pretrain = _run.Options.Model.Pretrain;
        if (_run.Task is not ArithmeticTask arithmetic || pretrain.DrillLines == 0) return [];
        return arithmetic.Generator.DrillLines(pretrain.DrillLines, _run.Options.Seed)
            .Chunk(pretrain.DrillLinesPerExample)
            .Select(lines => new TrainingExample("", string.Join("\n", lines)))
            .ToList();
    }

    /// <summary>
    /// Trains and commits the built-in base model; returns its weights digest. Whatever a crash
    /// left of an earlier attempt is discarded first.
    /// </summary>
    public string Build(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var options = _run.Options;
        if (options.Model.Base != ModelOptions.BuiltIn)
            throw new InvalidOperationException("only the built-in base model is built; a Hugging Face base is used as it is");
        var shape = options.Model.BuiltInModel;
        var tokenizer = new CharTokenizer();
        var config = ModelConfig.BuiltIn(tokenizer.VocabSize, shape.HiddenSize, shape.Layers, shape.Heads, shape.KvHeads, shape.IntermediateSize, shape.MaxPositions);
        using var policy = Policy.CreateRandom(config, tokenizer, _run.Device, options.Seed);
        var pretrain = options.Model.Pretrain;
        var common = options.Training.Optimizer with
        {
            LearningRate = pretrain.LearningRate,
            BatchSize = pretrain.BatchSize,
            MaxSequenceLength = shape.MaxPositions,
            Seed = options.Seed,
        };

        var drill = DrillExamples();
        if (drill.Count > 0)
        {
            Train(policy, drill, common with { Epochs = pretrain.DrillEpochs }, "drill", progress, cancellationToken);
        }
        var human = HumanExamples();
        if (human.Count == 0)
            throw new InvalidOperationException($"task '{_run.Task.Name}' has no human solutions in its train split: the built-in base model needs some (restem.model.pretrain.human-solutions)");
        Train(policy, human, common with { Epochs = pretrain.Epochs }, "human solutions", progress, cancellationToken);

        var digest = policy.WeightsDigest();
        Commit(policy, _run.Layout.Checkpoint(0));
        return digest;
    }

    /// <summary>Runs <c>options.Epochs</c> epochs of supervised training on <paramref name="examples"/>.</summary>
    internal static void Train(Policy policy, IReadOnlyList<TrainingExample> examples, TrainingOptions options, string what,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var trainer = new Trainer(policy, options, examples.Count);
        var reporter = new SynchronousProgress<TrainingProgress>(p =>
        {
            RunMetrics.TrainingStep(0, what, p.Loss, p.LearningRate, p.GradNorm);
            progress?.Report($"{what}: {Describe(p)}");
        });
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var report = trainer.TrainEpoch(examples, epoch, reporter, cancellationToken);
            progress?.Report($"{what}: epoch {epoch + 1}/{options.Epochs} done: {Describe(report)}");
        }
    }

    /// <summary>One line about a training step.</summary>
    internal static string Describe(TrainingProgress p) =>
        $"step {p.Step}/{p.TotalSteps}, loss {p.Loss:F3}, lr {p.LearningRate:G3}, {p.TokensPerSecond:F0} tokens/s";

    /// <summary>One line about a finished epoch.</summary>
    internal static string Describe(EpochReport r) =>
        $"mean loss {r.Loss:F3} over {r.Steps} steps, {r.Tokens} tokens in {r.Elapsed.TotalSeconds:F1} s ({r.TokensPerSecond:F0} tokens/s)"
        + (r.TruncatedExamples > 0 ? $", {r.TruncatedExamples} examples truncated" : "");

    /// <summary>Saves <paramref name="policy"/> into a temporary folder and renames it to <paramref name="finalDir"/> (replacing a stale one).</summary>
    internal static void Commit(Policy policy, string finalDir)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(finalDir))!);
        var temp = AtomicFile.TempPathFor(finalDir);
        policy.Save(temp);
        if (Directory.Exists(finalDir)) Directory.Delete(finalDir, recursive: true);
        AtomicFile.CommitDirectory(temp, finalDir);
    }
}
