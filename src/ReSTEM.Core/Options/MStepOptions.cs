using ReSTEM.Core.Training;

namespace ReSTEM.Core.Options;

/// <summary>Where the M-step starts.</summary>
public enum StartFrom
{
    /// <summary>ReST-EM: every iteration fine-tunes the base model p0.</summary>
    Base,

    /// <summary>Original ReST: fine-tune the previous iteration's policy.</summary>
    Last,
}

/// <summary><c>restem.training</c>: the M-step.</summary>
public sealed record MStepOptions
{
    /// <summary><c>start-from</c>: base (ReST-EM) or last (original ReST).</summary>
    public StartFrom StartFrom { get; init; } = StartFrom.Base;

    /// <summary>Optimizer and schedule: <c>epochs</c>, <c>learning-rate</c>, <c>batch-size</c>, ...</summary>
    public TrainingOptions Optimizer { get; init; } = new();

    /// <summary><c>select-by-validation</c>: evaluate after each epoch on the validation split and keep the best epoch.</summary>
    public bool SelectByValidation { get; init; } = true;
}
