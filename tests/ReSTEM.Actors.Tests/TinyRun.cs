using System.Collections.Concurrent;
using Akka.Actor;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Verification;
using Xunit.Abstractions;
using ReSTEM.Core.Options;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Core.Training;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Tests;

/// <summary>A whole ReST-EM run small enough for a unit test: a 60k-parameter built-in model, a few problems.</summary>
internal static class TinyRun
{
    public static RunOptions Options(int iterations = 2) => new()
    {
        Task = ArithmeticTask.TaskName,
        Iterations = iterations,
        Seed = 7,
        EarlyStop = false,
        Model = new ModelOptions
        {
            Device = "cpu",
            BuiltInModel = new BuiltInModelOptions { HiddenSize = 64, Layers = 2, Heads = 4, KvHeads = 2, IntermediateSize = 176, MaxPositions = 384 },
            Pretrain = new PretrainOptions { DrillLines = 1500, DrillLinesPerExample = 4, HumanSolutions = 40, Epochs = 2, LearningRate = 3e-3, BatchSize = 16 },
        },
        Sampling = new EStepOptions
        {
            SamplesPerProblem = 4,
            ProblemsPerBatch = 6,
            Decoding = new SamplingOptions { Temperature = 1.0, TopK = 40, MaxNewTokens = 240 },
        },
        Verification = new VerificationOptions { Parallelism = 2 },
        Filter = new FilterOptions { MaxCorrectPerProblem = 2 },
        Training = new MStepOptions { Optimizer = new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 1e-3, WarmupSteps = 2, MaxSequenceLength = 384 } },
        Evaluation = new EvaluationOptions { SamplesPerProblem = 2, K = [1, 2] },
        Pipeline = new PipelineOptions { WriteBatchProblems = 5, WriteIntervalMs = 200 },
        Tasks = new TaskOptions { Arithmetic = new ArithmeticOptions { TrainProblems = 40, ValidationProblems = 6, TestProblems = 10, MaxDifficulty = 2 } },
    };

    /// <summary>
    /// <paramref name="options"/> with a base model folder the run never opens: the scripted policy
    /// stands in for the base in sampling and evaluation, so no base model is trained.
    /// </summary>
    public static RunOptions WithoutBaseTraining(RunOptions options, string root) =>
        options with { Model = options.Model with { Base = Path.Combine(root, "unused-base") } };

    /// <summary>
    /// Runs <paramref name="run"/>'s coordinator in <paramref name="system"/> with <paramref name="loader"/> (the scripted policy
    /// when null) and <paramref name="verifier"/>; writes what the run reported (<paramref name="lines"/>) and its outcome to <paramref name="output"/>.
    /// </summary>
    public static async Task<RunOutcome> RunCoordinatorAsync(
        ActorSystem system, RunContext run, IVerifier verifier, IEnumerable<string> lines, ITestOutputHelper output, CoordinatorSettings? settings = null,
        IPolicyLoader? loader = null)
    {
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        loader ??= new ScriptedPolicyLoader(run.ProblemsById.Values.ToDictionary(p => run.Task.FormatPrompt(p)));
        system.ActorOf(IterationCoordinator.Props(run, loader, verifier, outcome, settings), "coordinator");
        var finished = await outcome.Task.WaitAsync(TimeSpan.FromMinutes(4));
        foreach (var line in lines) output.WriteLine(line);
        output.WriteLine($"outcome: exit {finished.ExitCode}: {finished.Message}");
        return finished;
    }

    public static async Task<RunContext> CreateAsync(string root, RunOptions options, IRunObserver observer)
    {
        var task = new ArithmeticTask(options.Tasks.Arithmetic, new ExactAnswerVerifier());
        var layout = new RunLayout(root);
        var keys = new Dictionary<string, string> { ["restem.task"] = options.Task };
        await new ManifestStore(layout).SaveAsync(new RunManifest
        {
            RunId = "tiny",
            Task = options.Task,
            BaseModel = options.Model.Base,
            ConfigHash = ManifestStore.HashKeys(keys),
            ResumeKeys = keys,
            IterationsPlanned = options.Iterations,
        });
        return new RunContext(options, task, layout, "tiny", observer);
    }
}

/// <summary>Records what a run reported.</summary>
internal sealed class RecordingObserver : IRunObserver
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public ConcurrentQueue<string> Lines { get; } = new();

    public void PhaseStarted(int iteration, string phase, string detail) => Lines.Enqueue($"{_clock.Elapsed.TotalSeconds:F1}s {iteration} {phase}: {detail}");

    public void Progress(int iteration, string phase, long done, long total, string status)
    {
        if (phase == "training") Lines.Enqueue($"{_clock.Elapsed.TotalSeconds:F1}s {iteration} {status}");
    }

    public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) =>
        Lines.Enqueue($"{_clock.Elapsed.TotalSeconds:F1}s {iteration} evaluated: {string.Join(", ", metrics.Where(m => !m.Key.Contains('/')).Select(m => $"{m.Key}={m.Value:F3}"))}");

    public void Info(string message) => Lines.Enqueue($"{_clock.Elapsed.TotalSeconds:F1}s {message}");
}
