using Akka.Actor;

namespace ReSTEM.Actors.Tests;

/// <summary>
/// A parent that restarts its one child on any failure (as the run's coordinator does), so a
/// test can <c>Kill</c> the child and watch it come back. It sends the child's ref to <c>reportTo</c>.
/// </summary>
internal sealed class RestartingParent : ReceiveActor
{
    public RestartingParent(Props child, IActorRef reportTo)
    {
        reportTo.Tell(Context.ActorOf(child, "child"));
    }

    public static Props Props(Props child, IActorRef reportTo) => Akka.Actor.Props.Create(() => new RestartingParent(child, reportTo));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), Decider.From(Directive.Restart));
}
