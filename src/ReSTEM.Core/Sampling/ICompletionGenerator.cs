namespace ReSTEM.Core.Sampling;

/// <summary>
/// Draws completions from a policy. The E-step's samplers and the evaluator call it; the
/// TorchSharp model implements it.
/// </summary>
public interface ICompletionGenerator
{
    /// <summary>Identifies the weights that produce the completions (stored beside every sample).</summary>
    string CheckpointId { get; }

    /// <summary>
    /// Generates one completion per seed of every request. The result has one list per request,
    /// in request order, each holding one completion per seed in seed order. Blocks the calling
    /// thread; honours cancellation between decode steps.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Completion>> Generate(
        IReadOnlyList<CompletionRequest> requests, SamplingOptions options, CancellationToken cancellationToken);
}
