namespace ReSTEM.Core.Training;

/// <summary>
/// One supervised example for the M-step: the loss covers the completion's tokens (and the end
/// of sequence) only, scaled by <see cref="Weight"/> (the reward in reward-weighted NLL).
/// </summary>
/// <param name="Prompt">Text the model is conditioned on; carries no loss. May be empty (pre-training text).</param>
/// <param name="Completion">Text the model learns to produce.</param>
/// <param name="Weight">Loss weight, the sample's reward (1 for ReST-EM's binary reward).</param>
public sealed record TrainingExample(string Prompt, string Completion, float Weight = 1f);
