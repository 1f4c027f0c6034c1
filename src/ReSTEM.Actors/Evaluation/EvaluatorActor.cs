using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;

namespace ReSTEM.Actors.Evaluation;

/// <summary>
/// Evaluates checkpoints on the held-out splits (the work is <see cref="CheckpointEvaluation"/>),
/// one at a time on a dedicated thread; a failure is an <see cref="EvaluationFailed"/> reply. A
/// restart leaves a running evaluation running and its result still reaches the asker (the
/// <see cref="JobSlot"/> outlives the instance); <see cref="GetJobStatus"/> says what runs.
/// </summary>
public sealed class EvaluatorActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JobSlot _slot;

    /// <summary>Creates the evaluator; <paramref name="slot"/> outlives its restarts.</summary>
    public EvaluatorActor(RunContext run, IPolicyLoader loader, CheckpointEvaluation evaluation, JobSlot slot)
    {
        _slot = slot;
        Receive<EvaluateIteration>(request =>
        {
            if (_slot.Running is { } running)
            {
                Sender.Tell(new EvaluationFailed(request.Iteration, $"the evaluator is already evaluating iteration {running}"));
                return;
            }
            _slot.Started(request.Iteration, Sender);
            var observer = run.Observer;
            var progress = new SynchronousProgress<(string Part, int Done, int Total)>(
                p => observer.Progress(request.Iteration, "evaluating", p.Done, p.Total, p.Part));
            var token = _slot.Job.Token;
            _slot.Job.Run(async () =>
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
                .PipeTo(Self, success: reply => new Finished(reply), failure: e => new Finished(new EvaluationFailed(request.Iteration, $"{e.GetType().Name}: {e.Message}")));
        });
        Receive<Finished>(f => _slot.Finish(f.Reply));
        Receive<GetJobStatus>(_ => Sender.Tell(new JobStatus(_slot.Running)));
    }

    /// <summary>Props of the evaluator.</summary>
    public static Props Props(RunContext run, IPolicyLoader loader, CheckpointEvaluation evaluation)
    {
        var slot = new JobSlot();
        return Akka.Actor.Props.Create(() => new EvaluatorActor(run, loader, evaluation, slot));
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message) =>
        _log.Warning("evaluator restarting after {0}: {1}; a running evaluation carries on", reason.GetType().Name, reason.Message);

    /// <inheritdoc />
    protected override void PostStop() => _slot.Job.Dispose();

    private sealed record Finished(object Reply);
}
