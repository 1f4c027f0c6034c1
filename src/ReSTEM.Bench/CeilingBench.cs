using System.Diagnostics;
using System.Globalization;
using ReSTEM.Core.Metrics;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Core.Training;
using ReSTEM.Core.Verification;
using ReSTEM.Model;
using ReSTEM.Storage.Runs;
using Generator = ReSTEM.Model.Generator;

namespace ReSTEM.Bench;

/// <summary>
/// <c>ceiling</c>: how far fine-tuning can lift a run's base model on the Countdown task when
/// its training set holds up to <c>--cap</c> distinct CORRECT solutions of every train problem
/// (found by the task's solver): the most an E-step could ever hand the M-step. It trains from
/// the run's base model (<c>iter-0/checkpoint</c>) with the M-step's settings and reports greedy
/// pass@1 on the test split, per level, beside the base model's. A task worth self-training
/// on has a ceiling well above its base. Options (defaults are hocon/default.conf's):
/// <c>--run DIR</c> (required), <c>--train N</c>, <c>--val N</c>, <c>--test N</c>, <c>--cap N</c>,
/// <c>--epochs N</c>, <c>--lr X</c>, <c>--batch N</c>, <c>--seed N</c> (the task's seed).
/// </summary>
internal static class CeilingBench
{
    public static int Run(string[] args)
    {
        DeviceResolver.ConfigureCpuRuntime();
        var runDir = BenchArguments.Text(args, "--run");
        if (runDir is null)
        {
            Console.Error.WriteLine("ceiling: --run DIR (a run folder of the countdown task with its base model in iter-0/checkpoint) is required");
            return 2;
        }
        var layout = new RunLayout(runDir);
        var options = new CountdownOptions
        {
            TrainProblems = (int)BenchArguments.Number(args, "--train", 6000),
            ValidationProblems = (int)BenchArguments.Number(args, "--val", 200),
            TestProblems = (int)BenchArguments.Number(args, "--test", 500),
            Seed = (long)BenchArguments.Number(args, "--seed", new CountdownOptions().Seed),
        };
        var cap = (int)BenchArguments.Number(args, "--cap", 10);
        var training = new TrainingOptions
        {
            Epochs = (int)BenchArguments.Number(args, "--epochs", 3),
            LearningRate = BenchArguments.Number(args, "--lr", 1e-3),
            BatchSize = (int)BenchArguments.Number(args, "--batch", 32),
            WarmupSteps = 20,
            MaxSequenceLength = 64,
        };
        var task = new CountdownTask(options);
        var random = new Random(1);
        var examples = new List<TrainingExample>();
        foreach (var problem in task.Problems(Split.Train))
        {
            var (numbers, target) = CountdownTask.Parse(problem);
            var solutions = CountdownSolver.Solutions(numbers, target).OrderBy(_ => random.Next()).Take(cap);
            examples.AddRange(solutions.Select(s => new TrainingExample(task.FormatPrompt(problem), $"{s}={target}")));
        }
        Console.WriteLine($"ceiling benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs; base {layout.Checkpoint(0)}");
        Console.WriteLine($"training set: {examples.Count} correct solutions of {options.TrainProblems} train problems (at most {cap} each); {training.Epochs} epochs, lr {training.LearningRate}, batch {training.BatchSize}");

        using var policy = Policy.Load(layout.Checkpoint(0), DeviceOptions.Cpu);
        var test = task.Problems(Split.Test);
        var before = Score(policy, task, test);
        var clock = Stopwatch.StartNew();
        using (var trainer = new Trainer(policy, training, examples.Count))
        {
            for (var epoch = 0; epoch < training.Epochs; epoch++)
            {
                var report = trainer.TrainEpoch(examples, epoch, null, CancellationToken.None);
                Console.WriteLine($"epoch {epoch + 1}: mean loss {report.Loss:F3}, {report.TokensPerSecond:F0} tokens/s");
            }
        }
        var after = Score(policy, task, test);
        Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("| | pass@1 | " + string.Join(" | ", before.Keys.Where(k => k.Contains('/'))) + " |");
        Console.WriteLine("|---|---|" + string.Concat(before.Keys.Where(k => k.Contains('/')).Select(_ => "---|")));
        Console.WriteLine(Row("base", before));
        Console.WriteLine(Row($"ceiling (cap {cap})", after));
        Console.WriteLine($"ceiling - base: {100 * (after["pass@1"] - before["pass@1"]):F1} points");
        return 0;
    }

    private static string Row(string name, IReadOnlyDictionary<string, double> metrics) =>
        $"| {name} | " + string.Join(" | ", metrics.OrderBy(kv => kv.Key.Contains('/')).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (100 * kv.Value).ToString("F1", CultureInfo.InvariantCulture))) + " |";

    private static IReadOnlyDictionary<string, double> Score(Policy policy, CountdownTask task, IReadOnlyList<Problem> problems)
    {
        var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 512 }, "ceiling");
        var decoding = new SamplingOptions { Temperature = 0, MaxNewTokens = 32, Stop = task.StopStrings.ToArray() };
        var outcomes = new List<ProblemOutcome>();
        foreach (var chunk in problems.Chunk(256))
        {
            var completions = generator.Generate(chunk.Select(p => new CompletionRequest(task.FormatPrompt(p), [0L])).ToList(), decoding, CancellationToken.None);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (numbers, target) = CountdownTask.Parse(chunk[i]);
                var result = CountdownVerifier.Check(numbers, target, completions[i][0].Text);
                outcomes.Add(new ProblemOutcome(chunk[i].Id, chunk[i].Difficulty, null, [result.ExtractedAnswer], [result.Verdict == Verdict.Passed]));
            }
        }
        return MetricsCalculator.Greedy(outcomes);
    }
}
