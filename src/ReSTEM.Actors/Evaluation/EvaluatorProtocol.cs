namespace ReSTEM.Actors.Evaluation;

/// <summary>Evaluate iteration <paramref name="Iteration"/>'s checkpoint; the reply is <see cref="IterationEvaluated"/> or <see cref="EvaluationFailed"/>.</summary>
/// <param name="Iteration">The iteration (0: the base model).</param>
/// <param name="CheckpointDir">Its checkpoint folder.</param>
/// <param name="CheckpointId">Its checkpoint id.</param>
public sealed record EvaluateIteration(int Iteration, string CheckpointDir, string CheckpointId);

/// <summary>eval.parquet and metrics.json are written.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Metrics">The metrics.</param>
public sealed record IterationEvaluated(int Iteration, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Evaluation failed.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record EvaluationFailed(int Iteration, string Reason);
