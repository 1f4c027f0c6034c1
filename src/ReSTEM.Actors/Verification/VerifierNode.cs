using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ReSTEM.Actors.Hosting;
using ReSTEM.Core.Options;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// The actors of a verifier node (<c>restem worker</c>). It watches the cluster for a node with
/// the <c>coordinator</c> role, finds that run's <see cref="VerificationDispatcher"/> and starts
/// its workers on it; they pull one job each at a time, so a node never holds more jobs than its
/// parallelism and a slow node takes fewer. When the run's coordinator goes (its run ended, or
/// its node left), the workers stop and the node waits for the next one.
/// </summary>
public sealed class VerifierNode : ReceiveActor, IWithTimers
{
    /// <summary>Where a run's dispatcher lives on its coordinator node.</summary>
    public static readonly string[] DispatcherPath = ["user", "coordinator", "verification"];

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IVerifier _verifier;
    private readonly VerificationOptions _options;
    private readonly int _parallelism;
    private readonly string _verifies;
    private readonly List<IActorRef> _workers = [];
    private Address? _coordinator;
    private Address? _refusedBy;
    private string? _refusal;
    private IActorRef? _dispatcher;
    private int _generation;

    /// <summary>Creates the node's root actor; <paramref name="verifies"/> is its verifier's <see cref="VerifierIdentity"/>.</summary>
    public VerifierNode(IVerifier verifier, VerificationOptions options, int parallelism, string verifies)
    {
        _verifies = verifies;
        _verifier = verifier;
        _options = options;
        _parallelism = Math.Max(1, parallelism);
        Receive<ClusterEvent.MemberUp>(up => CoordinatorUp(up.Member));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            if (removed.Member.Address != _coordinator) return;
            CoordinatorGone(removed.Member.Address, "left the cluster");
            // The cluster it seeded is gone with it: this node leaves too and joins the seed again, ready for the next run.
            CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
        });
        Receive<ClusterEvent.UnreachableMember>(u => CoordinatorGone(u.Member.Address, "is unreachable"));
        Receive<ClusterEvent.ReachableMember>(r => CoordinatorUp(r.Member));
        Receive<Resolve>(r => ResolveDispatcher(r.Coordinator));
        Receive<Found>(HandleFound);
        Receive<NotFound>(n =>
        {
            if (n.Coordinator == _coordinator && _dispatcher is null) Timers.StartSingleTimer("resolve", new Resolve(n.Coordinator), TimeSpan.FromSeconds(1));
        });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_dispatcher)) return;
            _log.Info("the run's verification dispatcher stopped; waiting for the next run");
            StopWorkers();
            if (_coordinator is { } address) Timers.StartSingleTimer("resolve", new Resolve(address), TimeSpan.FromSeconds(1));
        });
        Receive<WorkerRefused>(refused =>
        {
            // The run verifies by other rules: this node takes none of its jobs (until it runs with the run's configuration).
            if (_refusedBy != _coordinator) _log.Error("the run at {0} refused this node's workers: {1}", _coordinator, refused.Reason);
            _refusedBy = _coordinator;
            _refusal = refused.Reason;
            StopWorkers();
        });
        Receive<GetVerifierNodeStatus>(_ => Sender.Tell(new VerifierNodeStatus(_workers.Count, _dispatcher?.Path.ToString()) { Refused = _refusal }));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the node's root actor.</summary>
    public static Props Props(IVerifier verifier, VerificationOptions options, int parallelism, string verifies) =>
        Akka.Actor.Props.Create(() => new VerifierNode(verifier, options, parallelism, verifies));

    /// <inheritdoc />
    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc />
    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void CoordinatorUp(Member member)
    {
        if (!member.HasRole(ClusterOptions.Roles.Coordinator) || member.Status != MemberStatus.Up) return;
        if ((_coordinator == member.Address && _dispatcher is not null) || member.Address == _refusedBy) return;
        _coordinator = member.Address;
        ResolveDispatcher(member.Address);
    }

    private void CoordinatorGone(Address address, string why)
    {
        if (address != _coordinator) return;
        _log.Warning("the run's coordinator {0} {1}; this node's workers stop until it is back", address, why);
        StopWorkers();
    }

    private void ResolveDispatcher(Address coordinator)
    {
        if (coordinator != _coordinator || _dispatcher is not null || coordinator == _refusedBy) return;
        Context.ActorSelection(new RootActorPath(coordinator) / DispatcherPath)
            .ResolveOne(TimeSpan.FromSeconds(5))
            .PipeTo(Self, success: d => new Found(coordinator, d), failure: _ => new NotFound(coordinator));
    }

    private void HandleFound(Found found)
    {
        if (found.Coordinator != _coordinator || _dispatcher is not null) return;
        _dispatcher = found.Dispatcher;
        Context.Watch(found.Dispatcher);
        _generation++;
        var machineryTimeout = TimeSpan.FromSeconds(Math.Max(30, _options.TimeoutSeconds * 3));
        for (var i = 0; i < _parallelism; i++)
        {
            _workers.Add(Context.ActorOf(VerifierActor.Props(found.Dispatcher, _verifier, _options.Retries, machineryTimeout, _verifies), $"verifier-{_generation}-{i}"));
        }
        _log.Info("{0} workers pull verification jobs from {1}", _parallelism, found.Dispatcher.Path);
    }

    private void StopWorkers()
    {
        foreach (var worker in _workers) Context.Stop(worker);
        _workers.Clear();
        if (_dispatcher is not null) Context.Unwatch(_dispatcher);
        _dispatcher = null;
    }

    private sealed record Resolve(Address Coordinator);

    private sealed record Found(Address Coordinator, IActorRef Dispatcher);

    private sealed record NotFound(Address Coordinator);
}

/// <summary>Ask a verifier node how many workers it runs; the reply is <see cref="VerifierNodeStatus"/>.</summary>
public sealed record GetVerifierNodeStatus
{
    /// <summary>The only instance.</summary>
    public static GetVerifierNodeStatus Instance { get; } = new();

    private GetVerifierNodeStatus()
    {
    }
}

/// <summary>A verifier node's state.</summary>
/// <param name="Workers">Workers pulling jobs.</param>
/// <param name="Dispatcher">The dispatcher they pull from, or null.</param>
public sealed record VerifierNodeStatus(int Workers, string? Dispatcher)
{
    /// <summary>Why the run's dispatcher refused this node's workers, or null.</summary>
    public string? Refused { get; init; }
}
