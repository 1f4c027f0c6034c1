namespace ReSTEM.Core.Options;

/// <summary>
/// Everything one ReST-EM run is configured with (HOCON root <c>restem</c>). The records are
/// immutable; the host binds them from configuration and validates them before anything runs.
/// </summary>
public sealed record RunOptions
{
    /// <summary><c>restem.task</c>: the task name (arithmetic, code, gsm8k, math, humaneval, mbpp, apps).</summary>
    public string Task { get; init; } = "arithmetic";

    /// <summary><c>restem.iterations</c>: ReST-EM iterations (E-step + M-step + evaluation each).</summary>
    public int Iterations { get; init; } = 3;

    /// <summary><c>restem.seed</c>: the run's root seed (sample seeds, shuffling, base model initialisation).</summary>
    public long Seed { get; init; } = 1;

    /// <summary><c>restem.run-name</c>: the run's folder name under <see cref="RunsDirectory"/>.</summary>
    public string RunName { get; init; } = "default";

    /// <summary><c>restem.runs-dir</c>: where run folders live.</summary>
    public string RunsDirectory { get; init; } = "runs";

    /// <summary><c>restem.model</c>.</summary>
    public ModelOptions Model { get; init; } = new();

    /// <summary><c>restem.sampling</c>: the E-step.</summary>
    public EStepOptions Sampling { get; init; } = new();

    /// <summary><c>restem.verification</c>.</summary>
    public VerificationOptions Verification { get; init; } = new();

    /// <summary><c>restem.filter</c>.</summary>
    public FilterOptions Filter { get; init; } = new();

    /// <summary><c>restem.training</c>: the M-step.</summary>
    public MStepOptions Training { get; init; } = new();

    /// <summary><c>restem.evaluation</c>.</summary>
    public EvaluationOptions Evaluation { get; init; } = new();

    /// <summary><c>restem.pipeline</c>: flow control.</summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary><c>restem.early-stop</c>: stop when validation pass@1 does not improve on the best earlier iteration.</summary>
    public bool EarlyStop { get; init; } = true;

    /// <summary><c>restem.tasks</c>: per-task settings (built-in generators, dataset files).</summary>
    public TaskOptions Tasks { get; init; } = new();

    /// <summary><c>baseline</c>: the comparison trained beside the iterations (<see cref="BaselineKind.Sft"/>: SFT on the train split's human solutions).</summary>
    public BaselineKind Baseline { get; init; } = BaselineKind.None;

    /// <summary>The files of a dataset task (<c>restem.data</c>).</summary>
    public DataOptions Data { get; init; } = new();

    /// <summary>How a dataset task writes prompts (<c>restem.prompt</c>).</summary>
    public ReSTEM.Core.Prompts.PromptOptions Prompt { get; init; } = new();
}

/// <summary><c>restem.baseline</c>: what the iterations are compared with.</summary>
public enum BaselineKind
{
    /// <summary>No baseline.</summary>
    None,

    /// <summary>
    /// The paper's comparison: fine-tune from the base model on the human solutions of every train
    /// problem, with the M-step's settings and selection, and evaluate it the same way.
    /// </summary>
    Sft,
}
