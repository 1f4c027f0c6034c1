namespace ReSTEM.Model;

/// <summary>Reported after every optimizer step of a <see cref="Trainer"/>.</summary>
/// <param name="Epoch">Epoch being trained (as passed to <see cref="Trainer.TrainEpoch"/>).</param>
/// <param name="Step">Optimizer steps done so far over the whole run (1-based).</param>
/// <param name="TotalSteps">Optimizer steps the schedule plans for the whole run.</param>
/// <param name="Loss">Reward-weighted NLL per completion token of this step.</param>
/// <param name="LearningRate">Learning rate this step used.</param>
/// <param name="TokensPerSecond">Tokens (prompt and completion, no padding) processed per second in this epoch so far.</param>
/// <param name="GradNorm">Global gradient norm of this step before clipping (0 for a step with nothing to learn).</param>
public sealed record TrainingProgress(int Epoch, int Step, int TotalSteps, double Loss, double LearningRate, double TokensPerSecond, double GradNorm);
