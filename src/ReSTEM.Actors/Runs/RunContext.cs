using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Tasks;
using ReSTEM.Model;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Runs;

/// <summary>
/// Everything one run works with: its options, task, folder and stores, the problem sets of
/// each split (after the configured limits) and the device the model runs on. Built once by
/// the host; shared read-only by the actors and plain classes of the run.
/// </summary>
public sealed class RunContext
{
    /// <summary>Creates the context of a run whose manifest is already on disk.</summary>
    public RunContext(RunOptions options, ITask task, RunLayout layout, string runId, IRunObserver observer)
    {
        Options = options;
        Task = task;
        Layout = layout;
        RunId = runId;
        Observer = observer;
        Samples = new SampleStore(layout);
        Tables = new TableStore(layout);
        Manifests = new ManifestStore(layout);
        Device = DeviceOf(options);
        TrainProblems = Limit(task.Problems(Split.Train), options.Sampling.MaxTrainProblems);
        ValidationProblems = Limit(task.Problems(Split.Validation), options.Evaluation.MaxValidationProblems);
        TestProblems = Limit(task.Problems(Split.Test), options.Evaluation.MaxTestProblems);
        ProblemsById = TrainProblems.Concat(ValidationProblems).Concat(TestProblems).ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>The device and precision <paramref name="options"/> ask for (<c>restem.model.device</c>, <c>restem.model.dtype</c>).</summary>
    public static DeviceOptions DeviceOf(RunOptions options) => new() { Device = options.Model.Device, DType = options.Model.DType };

    /// <summary>The run's options.</summary>
    public RunOptions Options { get; }

    /// <summary>The task.</summary>
    public ITask Task { get; }

    /// <summary>The run folder's paths.</summary>
    public RunLayout Layout { get; }

    /// <summary>The run's identifier.</summary>
    public string RunId { get; }

    /// <summary>Receives progress and results.</summary>
    public IRunObserver Observer { get; }

    /// <summary>The sample parts.</summary>
    public SampleStore Samples { get; }

    /// <summary>D_i and evaluation tables.</summary>
    public TableStore Tables { get; }

    /// <summary>run.json.</summary>
    public ManifestStore Manifests { get; }

    /// <summary>Where the model runs.</summary>
    public DeviceOptions Device { get; }

    /// <summary>The E-step's problems.</summary>
    public IReadOnlyList<Problem> TrainProblems { get; }

    /// <summary>Problems that choose the M-step's checkpoint.</summary>
    public IReadOnlyList<Problem> ValidationProblems { get; }

    /// <summary>Held-out problems of the reported metrics.</summary>
    public IReadOnlyList<Problem> TestProblems { get; }

    /// <summary>Every problem of the run by id.</summary>
    public IReadOnlyDictionary<string, Problem> ProblemsById { get; }

    /// <summary>The folder of the base model p0: the built-in model trained by the run, or the user's Hugging Face folder.</summary>
    public string BaseCheckpoint =>
        Options.Model.Base == ModelOptions.BuiltIn ? Layout.Checkpoint(0) : Path.GetFullPath(Options.Model.Base);

    /// <summary>The checkpoint folder of iteration <paramref name="iteration"/> (0: the base model).</summary>
    public string CheckpointOf(int iteration) => iteration == 0 ? BaseCheckpoint : Layout.Checkpoint(iteration);

    /// <summary>
    /// The model that samples iteration <paramref name="iteration"/>'s E-step and the id its samples
    /// carry: the policy of the iteration before (<paramref name="policyId"/>), or the teacher of
    /// <c>restem.sampling.model</c> in every iteration (distillation).
    /// </summary>
    public (string Dir, string Id) SamplingModelOf(int iteration, string policyId) =>
        Options.Sampling.Distills
            ? (Path.GetFullPath(Options.Sampling.Model), "teacher-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Options.Sampling.Model))))
            : (CheckpointOf(iteration - 1), policyId);

    private static IReadOnlyList<Problem> Limit(IReadOnlyList<Problem> problems, int max) =>
        max > 0 && max < problems.Count ? problems.Take(max).ToList() : problems;
}
