using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Actors.Training;

/// <summary>
/// Runs the base model's pre-training and each iteration's M-step on a dedicated thread (the
/// work is <see cref="BaseModelBuilder"/> and <see cref="MStepRunner"/>). One job at a time;
/// a failure is a <see cref="TrainingFailed"/> reply, and the job is cancelled when the actor stops.
/// </summary>
public sealed class TrainerActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunContext _run;
    private readonly MStepRunner _mstep;
    private readonly NativeJob _job = new();

    /// <summary>Creates the trainer.</summary>
    public TrainerActor(RunContext run, MStepRunner mstep)
    {
        _run = run;
        _mstep = mstep;
        Receive<BuildBaseModel>(_ => Start(0, () =>
        {
            var digest = new BaseModelBuilder(_run).Build(Progress(0), _job.Token);
            return Task.FromResult<object>(new BaseModelBuilt(digest));
        }));
        Receive<TrainIteration>(t => Start(t.Iteration, async () =>
        {
            var trainSet = await _run.Tables.ReadTrainSetAsync(t.Iteration, _job.Token).ConfigureAwait(false);
            var result = await _mstep.RunAsync(t.Iteration, trainSet, Progress(t.Iteration), _job.Token).ConfigureAwait(false);
            return new IterationTrained(t.Iteration, result);
        }));
        Receive<Finished>(f => f.ReplyTo.Tell(f.Reply));
    }

    /// <summary>Props of the trainer.</summary>
    public static Props Props(RunContext run, MStepRunner mstep) => Akka.Actor.Props.Create(() => new TrainerActor(run, mstep));

    /// <inheritdoc />
    protected override void PostStop() => _job.Dispose();

    private void Start(int iteration, Func<Task<object>> work)
    {
        if (_job.Busy)
        {
            Sender.Tell(new TrainingFailed(iteration, "the trainer is already running a job"));
            return;
        }
        var replyTo = Sender;
        var token = _job.Token;
        _job.Run(async () =>
            {
                try
                {
                    return await work().ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    _log.Error(e, "training of iteration {0} failed", iteration);
                    return new TrainingFailed(iteration, $"{e.GetType().Name}: {e.Message}");
                }
            })
            .PipeTo(Self, success: reply => new Finished(reply, replyTo));
    }

    private IProgress<string> Progress(int iteration) =>
        new SynchronousProgress<string>(status =>
        {
            // A display that fails must not fail the training it reports on.
            try
            {
                _run.Observer.Progress(iteration, "training", 0, 0, status);
            }
            catch (Exception e)
            {
                _log.Warning("progress display failed: {0}", e.Message);
            }
        });

    private sealed record Finished(object Reply, IActorRef ReplyTo);
}
