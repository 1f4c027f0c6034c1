using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Actors.Training;

/// <summary>
/// Runs the base model's pre-training and each iteration's M-step on a dedicated thread (the
/// work is <see cref="BaseModelBuilder"/> and <see cref="MStepRunner"/>). One job at a time;
/// a failure is a <see cref="TrainingFailed"/> reply, and the job is cancelled when the actor
/// stops. A restart leaves a running job running (its <see cref="JobSlot"/> outlives the
/// instance) and its result still reaches the asker; <see cref="GetJobStatus"/> tells an asker
/// whether its job is still running.
/// </summary>
public sealed class TrainerActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunContext _run;
    private readonly JobSlot _slot;

    /// <summary>Creates the trainer; <paramref name="slot"/> outlives its restarts.</summary>
    public TrainerActor(RunContext run, MStepRunner mstep, JobSlot slot)
    {
        _run = run;
        _slot = slot;
        Receive<BuildBaseModel>(_ => Start(0, () =>
        {
            var digest = new BaseModelBuilder(_run).Build(Progress(0), _slot.Job.Token);
            return Task.FromResult<object>(new BaseModelBuilt(digest));
        }));
        Receive<TrainIteration>(t => Start(t.Iteration, async () =>
        {
            var trainSet = await _run.Tables.ReadTrainSetAsync(t.Iteration, _slot.Job.Token).ConfigureAwait(false);
            var result = await mstep.RunAsync(t.Iteration, trainSet, Progress(t.Iteration), _slot.Job.Token).ConfigureAwait(false);
            return new IterationTrained(t.Iteration, result);
        }));
        Receive<Finished>(f => _slot.Finish(f.Reply));
        Receive<GetJobStatus>(_ => Sender.Tell(new JobStatus(_slot.Running)));
    }

    /// <summary>Props of the trainer.</summary>
    public static Props Props(RunContext run, MStepRunner mstep)
    {
        var slot = new JobSlot();
        return Akka.Actor.Props.Create(() => new TrainerActor(run, mstep, slot));
    }

    /// <inheritdoc />
    protected override void PreRestart(Exception reason, object message) =>
        _log.Warning("trainer restarting after {0}: {1}; a running job carries on", reason.GetType().Name, reason.Message);

    /// <inheritdoc />
    protected override void PostStop() => _slot.Job.Dispose();

    private void Start(int iteration, Func<Task<object>> work)
    {
        if (_slot.Running is { } running)
        {
            Sender.Tell(new TrainingFailed(iteration, $"the trainer is already running the job of iteration {running}"));
            return;
        }
        _slot.Started(iteration, Sender);
        var token = _slot.Job.Token;
        _slot.Job.Run(async () =>
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
            .PipeTo(Self, success: reply => new Finished(reply), failure: e => new Finished(new TrainingFailed(iteration, $"{e.GetType().Name}: {e.Message}")));
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

    private sealed record Finished(object Reply);
}
