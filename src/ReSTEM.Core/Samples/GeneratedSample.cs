using ReSTEM.Core.Sampling;

namespace ReSTEM.Core.Samples;

/// <summary>One completion drawn in the E-step (or an evaluation), before it is verified.</summary>
/// <param name="ProblemId">The problem it answers.</param>
/// <param name="SampleIndex">Its index among the problem's K samples, 0..K-1.</param>
/// <param name="Prompt">The text the model continued.</param>
/// <param name="Completion">What the model generated.</param>
/// <param name="CheckpointId">The weights that generated it.</param>
/// <param name="GenerateMs">Wall time of the generation batch it came from, shared among the batch's samples.</param>
public sealed record GeneratedSample(
    string ProblemId,
    int SampleIndex,
    string Prompt,
    Completion Completion,
    string CheckpointId,
    float GenerateMs);
