using Akka.Actor;

namespace ReSTEM.Actors.Runs;

/// <summary>
/// The one long job of a trainer or evaluator: its native thread and who waits for its result.
/// Kept by the actor's props across restarts, so a restarted actor neither cancels a job that
/// is fine nor starts a second one beside it, and the result still reaches the asker.
/// </summary>
public sealed class JobSlot
{
    /// <summary>The job's thread.</summary>
    public NativeJob Job { get; } = new();

    /// <summary>The iteration whose job runs, or null.</summary>
    public int? Running { get; private set; }

    /// <summary>Who gets the running job's result.</summary>
    public IActorRef ReplyTo { get; private set; } = ActorRefs.Nobody;

    /// <summary>Records that the job of <paramref name="iteration"/> started for <paramref name="replyTo"/>.</summary>
    public void Started(int iteration, IActorRef replyTo)
    {
        Running = iteration;
        ReplyTo = replyTo;
    }

    /// <summary>Hands <paramref name="result"/> to the asker and frees the slot.</summary>
    public void Finish(object result)
    {
        var replyTo = ReplyTo;
        Running = null;
        ReplyTo = ActorRefs.Nobody;
        replyTo.Tell(result);
    }
}
