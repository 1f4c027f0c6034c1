using ReSTEM.Core.Sampling;

namespace ReSTEM.Core.Options;

/// <summary><c>restem.sampling</c>: the E-step.</summary>
public sealed record EStepOptions
{
    /// <summary><c>samples-per-problem</c>: K completions drawn per train problem.</summary>
    public int SamplesPerProblem { get; init; } = 8;

    /// <summary><c>temperature</c>, <c>top-k</c>, <c>top-p</c>, <c>max-new-tokens</c>: how completions are drawn.</summary>
    public SamplingOptions Decoding { get; init; } = new();

    /// <summary><c>problems-per-batch</c>: problems handed to a sampler at once (each with its K seeds).</summary>
    public int ProblemsPerBatch { get; init; } = 64;

    /// <summary><c>max-concurrent-sequences</c>: sequences decoded together by one sampler.</summary>
    public int MaxConcurrentSequences { get; init; } = 128;

    /// <summary><c>samplers</c>: sampler actors (model replicas) in this process.</summary>
    public int Samplers { get; init; } = 1;

    /// <summary><c>max-train-problems</c>: use only the first N train problems per iteration (0 = all).</summary>
    public int MaxTrainProblems { get; init; }

    /// <summary>The value of <see cref="Model"/> that lets the policy sample its own data.</summary>
    public const string PolicySamples = "policy";

    /// <summary><see cref="PolicySamples"/>, or the folder of a teacher model that samples the E-step in the policy's place (distillation).</summary>
    public string Model { get; init; } = PolicySamples;

    /// <summary>Whether a teacher samples the E-step.</summary>
    public bool Distills => Model != PolicySamples;
}
