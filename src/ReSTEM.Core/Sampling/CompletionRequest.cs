namespace ReSTEM.Core.Sampling;

/// <summary>
/// One prompt and the seeds of the completions wanted for it: one completion per seed. The
/// prompt is encoded and prefilled once and shared by all of its completions.
/// </summary>
/// <param name="Prompt">The full text the model continues (already formatted by the task).</param>
/// <param name="Seeds">One seed per completion; the same prompt, seed and options reproduce the same completion.</param>
public sealed record CompletionRequest(string Prompt, IReadOnlyList<long> Seeds);
