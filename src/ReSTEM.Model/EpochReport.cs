namespace ReSTEM.Model;

/// <summary>What one epoch of <see cref="Trainer.TrainEpoch"/> did.</summary>
/// <param name="Epoch">The epoch.</param>
/// <param name="Step">Optimizer steps done so far over the whole run.</param>
/// <param name="Steps">Optimizer steps in this epoch.</param>
/// <param name="Loss">Mean of this epoch's step losses (reward-weighted NLL per completion token).</param>
/// <param name="LearningRate">Learning rate of the epoch's last step.</param>
/// <param name="Tokens">Tokens processed (prompt and completion, no padding).</param>
/// <param name="LossTokens">Tokens that carried loss (completion tokens and EOS).</param>
/// <param name="TokensPerSecond">Tokens processed per second.</param>
/// <param name="Elapsed">Wall time of the epoch.</param>
/// <param name="TruncatedExamples">Examples cut to the maximum sequence length.</param>
public sealed record EpochReport(
    int Epoch, int Step, int Steps, double Loss, double LearningRate, long Tokens, long LossTokens,
    double TokensPerSecond, TimeSpan Elapsed, int TruncatedExamples);
