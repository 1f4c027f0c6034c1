using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;

namespace ReSTEM.Actors.Evaluation;

/// <summary>
/// Evaluates checkpoints on the held-out splits (the work is <see cref="CheckpointEvaluation"/>),
/// one at a time on a dedicated thread; a failure is an <see cref="EvaluationFailed"/> reply.
/// </summary>
public sealed class EvaluatorActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NativeJob _job = new();

    /// <summary>Creates the evaluator.</summary>
    public EvaluatorActor(RunContext run, IPolicyLoader loader, CheckpointEvaluation evaluation)
    {
        Receive<EvaluateIteration>(request =>
        {
            var replyTo = Sender;
            var observer = run.Observer;
            var progress = new SynchronousProgress<(string Part, int Done, int Total)>(
                p => observer.Progress(request.Iteration, "evaluating", p.Done, p.Total, p.Part));
            var token = _job.Token;
            _job.Run(async () =>
                {
                    try
                    {
                        using var policy = loader.Load(request.CheckpointDir, request.CheckpointId);
                        var metrics = await evaluation.RunAsync(request.Iteration, policy.Generator, progress, token).ConfigureAwait(false);
                        return (object)new IterationEvaluated(request.Iteration, metrics);
                    }
                    catch (Exception e) when (!token.IsCancellationRequested)
                    {
                        _log.Error(e, "evaluation of iteration {0} failed", request.Iteration);
                        return new EvaluationFailed(request.Iteration, $"{e.GetType().Name}: {e.Message}");
                    }
                })
                .PipeTo(replyTo);
        });
    }

    /// <summary>Props of the evaluator.</summary>
    public static Props Props(RunContext run, IPolicyLoader loader, CheckpointEvaluation evaluation) =>
        Akka.Actor.Props.Create(() => new EvaluatorActor(run, loader, evaluation));

    /// <inheritdoc />
    protected override void PostStop() => _job.Dispose();
}
