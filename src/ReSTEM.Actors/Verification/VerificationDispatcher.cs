using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// The queue of verification jobs. Workers, local or on other cluster nodes, PULL jobs one at a
/// time (a request that finds the queue empty waits here and is served by the next job), so a slow pool slows its askers instead of filling memory. Every worker is
/// death-watched: the jobs of a worker that dies (or restarts) go back to the front of the
/// queue and run on another worker; a job is never lost and never scored for a dead worker.
/// </summary>
public sealed class VerificationDispatcher : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LinkedList<Job> _queue = new();
    private readonly Dictionary<IActorRef, Job?> _workers = [];
    private readonly HashSet<IActorRef> _idle = [];
    private readonly HashSet<IActorRef> _refused = [];
    private readonly string _verifies;
    private long _nextJobId;
    private long _completed;
    private long _requeued;
    private IDisposable? _depthProbe;

    /// <summary>Creates the dispatcher of a pool whose workers verify <paramref name="verifies"/> (<see cref="VerifierIdentity"/>).</summary>
    public VerificationDispatcher(string verifies)
    {
        _verifies = verifies;
        Receive<Verify>(HandleVerify);
        Receive<RegisterWorker>(HandleRegister);
        Receive<RequestWork>(_ => HandleRequestWork());
        Receive<WorkDone>(HandleWorkDone);
        Receive<Terminated>(t => HandleWorkerLost(t.ActorRef));
        Receive<GetDispatcherStatus>(_ => Sender.Tell(new DispatcherStatus(
            _workers.Count, _queue.Count, _workers.Values.Count(j => j is not null), _completed, _requeued)));
    }

    /// <inheritdoc />
    protected override void PreStart() => _depthProbe = RunMetrics.ObserveQueue("verification", () => _queue.Count);

    /// <inheritdoc />
    protected override void PostStop() => _depthProbe?.Dispose();

    /// <summary>Props of the dispatcher.</summary>
    public static Props Props(string verifies = "") => Akka.Actor.Props.Create(() => new VerificationDispatcher(verifies));

    private void HandleVerify(Verify verify)
    {
        _queue.AddLast(new Job(++_nextJobId, verify, Sender));
        DispatchToIdle();
    }

    private void HandleRegister(RegisterWorker register)
    {
        if (register.Verifies != _verifies)
        {
            // Its verdicts would follow other rules than the run's: it gets no job, ever.
            _refused.Add(Sender);
            var reason = $"this run verifies with '{_verifies}' but the worker with '{register.Verifies}': start the verifier node with the run's configuration";
            _log.Warning("refused verifier worker {0}: {1}", Sender.Path, reason);
            Sender.Tell(new WorkerRefused(reason));
            return;
        }
        if (_workers.ContainsKey(Sender)) return;
        _workers[Sender] = null;
        Context.Watch(Sender);
        _log.Debug("verifier worker registered: {0} ({1} workers)", Sender.Path, _workers.Count);
    }

    private void HandleRequestWork()
    {
        if (_refused.Contains(Sender)) return;
        if (!_workers.TryGetValue(Sender, out var current))
        {
            // A worker that pulls before registering (e.g. after a dispatcher restart) is adopted.
            Context.Watch(Sender);
            current = null;
        }
        if (current is not null)
        {
            // A worker asks for more while we think it holds a job: it restarted and lost it.
            Requeue(current);
        }
        _workers[Sender] = null;
        if (!TryAssign(Sender)) _idle.Add(Sender);
    }

    private void HandleWorkDone(WorkDone done)
    {
        if (!_workers.TryGetValue(Sender, out var job) || job is null || job.Id != done.JobId)
        {
            // A late answer for a job that was already handed to another worker: the other answer counts.
            _log.Debug("ignoring late result of job {0} from {1}", done.JobId, Sender.Path);
            return;
        }
        _workers[Sender] = null;
        _completed++;
        job.ReplyTo.Tell(new Verified(done.Result, done.VerifyMs, Sender.Path.ToString()));
    }

    private void HandleWorkerLost(IActorRef worker)
    {
        _idle.Remove(worker);
        if (_workers.Remove(worker, out var job) && job is not null)
        {
            _log.Warning("verifier worker {0} was lost with job {1} in flight; the job goes to another worker", worker.Path, job.Id);
            Requeue(job);
        }
    }

    private void Requeue(Job job)
    {
        _requeued++;
        _queue.AddFirst(job);
        DispatchToIdle();
    }

    /// <summary>Idle workers have asked for work already: their pending request is served directly.</summary>
    private void DispatchToIdle()
    {
        while (_queue.Count > 0 && _idle.Count > 0)
        {
            var worker = _idle.First();
            _idle.Remove(worker);
            TryAssign(worker);
        }
    }

    private bool TryAssign(IActorRef worker)
    {
        if (_queue.First is not { } first) return false;
        _queue.RemoveFirst();
        _workers[worker] = first.Value;
        _idle.Remove(worker);
        worker.Tell(new WorkItem(first.Value.Id, first.Value.Request.Problem, first.Value.Request.Completion));
        return true;
    }

    private sealed record Job(long Id, Verify Request, IActorRef ReplyTo);
}
