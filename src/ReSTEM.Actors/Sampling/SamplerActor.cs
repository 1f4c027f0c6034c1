using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Options;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks;

namespace ReSTEM.Actors.Sampling;

/// <summary>
/// One model replica of the E-step. It holds the current policy and draws K samples per
/// problem for one batch at a time on a dedicated thread (further batches wait in its stash);
/// each sample's seed is derived from the run seed and its coordinates, so a batch drawn again
/// after a failure or a crash yields the same samples. <see cref="ReleasePolicy"/> gives the
/// policy back on that thread (the weights are freed when no other sampler or evaluator shares
/// them), so the trainer and the evaluator find the device free.
/// </summary>
public sealed class SamplerActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IPolicyLoader _loader;
    private readonly ITask _task;
    private readonly EStepOptions _options;
    private readonly SamplingOptions _decoding;
    private readonly long _runSeed;
    private readonly NativeJob _job = new();
    private readonly PolicyMemory _memory;
    private ILoadedPolicy? _policy;
    private (GenerateBatch Batch, IActorRef ReplyTo)? _generating;
    private IActorRef? _releasing;

    /// <summary>Creates a sampler; <paramref name="memory"/> outlives its restarts.</summary>
    public SamplerActor(IPolicyLoader loader, ITask task, EStepOptions options, long runSeed, PolicyMemory memory)
    {
        _memory = memory;
        _loader = loader;
        _task = task;
        _options = options;
        _runSeed = runSeed;
        _decoding = options.Decoding with { Stop = options.Decoding.Stop.Concat(task.StopStrings).Distinct().ToArray() };
        Become(Idle);
    }

    /// <inheritdoc />
    public IStash Stash { get; set; } = null!;

    /// <summary>Props of a sampler.</summary>
    public static Props Props(IPolicyLoader loader, ITask task, EStepOptions options, long runSeed)
    {
        var memory = new PolicyMemory();
        return Akka.Actor.Props.Create(() => new SamplerActor(loader, task, options, runSeed, memory));
    }

    /// <summary>A restarted sampler loads the policy it held before, so later batches find it ready.</summary>
    protected override void PreStart()
    {
        if (_memory.Last is { } load)
        {
            _log.Warning("sampler restarted: reloading its policy {0}", load.CheckpointId);
            StartLoad(load, _memory.Asker);
        }
    }

    /// <summary>The batch being generated is answered now as failed (it is drawn again), not left to its asker's timeout.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        if (_generating is { } running)
            running.ReplyTo.Tell(new BatchFailed(running.Batch.Iteration, running.Batch.Problems.Select(p => p.Id).ToList(), $"the sampler restarted ({reason.Message})"));
        // PostStop waits for the running job, so a release that was under way is done or has failed by now.
        base.PreRestart(reason, message);
        if (_releasing is { } asker)
        {
            asker.Tell(_job.Busy
                ? new Status.Failure(new InvalidOperationException($"the sampler restarted ({reason.Message}) while its policy was still being released"))
                : new PolicyReleased(null));
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // The job may still use the policy: it ends before the policy's native memory is freed.
        _job.Dispose();
        _policy?.Dispose();
    }

    private void Idle()
    {
        Receive<LoadPolicy>(HandleLoad);
        Receive<GenerateBatch>(HandleGenerate);
        Receive<ReleasePolicy>(_ => HandleRelease());
        Receive<Done>(DropStale);
    }

    private void Busy()
    {
        Receive<Done>(done => done.Job == _memory.CurrentJob, done =>
        {
            _generating = null;
            _releasing = null;
            if (done.Reply is Loaded loaded)
            {
                _policy = loaded.Policy;
                _memory.Asker = ActorRefs.Nobody;
                done.ReplyTo.Tell(new PolicyLoaded(loaded.Policy.Generator.CheckpointId));
            }
            else
            {
                done.ReplyTo.Tell(done.Reply);
            }
            Become(Idle);
            Stash.UnstashAll();
        });
        Receive<Done>(DropStale);
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>The result of a job an earlier instance started (its asker was answered at the restart): a loaded policy is freed.</summary>
    private static void DropStale(Done done)
    {
        if (done.Reply is Loaded loaded) loaded.Policy.Dispose();
    }

    private void HandleLoad(LoadPolicy load)
    {
        if (_policy?.Generator.CheckpointId == load.CheckpointId)
        {
            Sender.Tell(new PolicyLoaded(load.CheckpointId));
            return;
        }
        _memory.Last = load;
        _memory.Asker = Sender;
        StartLoad(load, Sender);
    }

    private void HandleRelease()
    {
        var replyTo = Sender;
        // Forgotten first: a sampler restarted while the trainer runs must not take the weights back.
        _memory.Last = null;
        var previous = _policy;
        _policy = null;
        if (previous is null)
        {
            replyTo.Tell(new PolicyReleased(null));
            return;
        }
        _releasing = replyTo;
        var released = new PolicyReleased(previous.Generator.CheckpointId);
        var job = ++_memory.CurrentJob;
        Become(Busy);
        RunOnOwnThread(() =>
        {
            previous.Dispose();
            return released;
        }, e => new Status.Failure(e)).PipeTo(Self, success: reply => new Done(job, reply, replyTo));
    }

    private void StartLoad(LoadPolicy load, IActorRef replyTo)
    {
        var previous = _policy;
        _policy = null;
        var job = ++_memory.CurrentJob;
        Become(Busy);
        RunOnOwnThread(() =>
        {
            // The old weights are released before the new ones are loaded: one replica's memory at a time.
            previous?.Dispose();
            return new Loaded(_loader.Load(load.CheckpointDir, load.CheckpointId));
        }, e => new Status.Failure(e)).PipeTo(Self, success: reply => new Done(job, reply, replyTo));
    }

    private void HandleGenerate(GenerateBatch batch)
    {
        var replyTo = Sender;
        var ids = batch.Problems.Select(p => p.Id).ToList();
        if (_policy is null)
        {
            replyTo.Tell(new BatchFailed(batch.Iteration, ids, "no policy loaded"));
            return;
        }
        var generator = _policy.Generator;
        _generating = (batch, replyTo);
        var job = ++_memory.CurrentJob;
        Become(Busy);
        RunOnOwnThread(() => (object)Generate(generator, batch), e =>
        {
            _log.Error(e, "sampling batch of {0} problems failed", ids.Count);
            return new BatchFailed(batch.Iteration, ids, $"{e.GetType().Name}: {e.Message}");
        }).PipeTo(Self, success: reply => new Done(job, reply, replyTo));
    }

    private BatchGenerated Generate(ICompletionGenerator generator, GenerateBatch batch)
    {
        var k = _options.SamplesPerProblem;
        var requests = batch.Problems
            .Select(p => new CompletionRequest(_task.FormatPrompt(p), SampleSeeds.ForProblem(_runSeed, batch.Iteration, p.Id, k)))
            .ToList();
        var watch = Stopwatch.StartNew();
        var completions = generator.Generate(requests, _decoding, _job.Token);
        var ms = (float)watch.Elapsed.TotalMilliseconds;
        var samples = new List<GeneratedSample>(requests.Count * k);
        for (var i = 0; i < requests.Count; i++)
        {
            if (completions[i].Count != k)
                throw new InvalidOperationException($"generator returned {completions[i].Count} completions for {k} seeds");
            for (var s = 0; s < k; s++)
            {
                samples.Add(new GeneratedSample(batch.Problems[i].Id, s, requests[i].Prompt, completions[i][s], generator.CheckpointId, ms));
            }
        }
        RunMetrics.Generated(samples.Count, completions.Sum(c => c.Sum(x => (long)x.CompletionTokens)));
        return new BatchGenerated(batch.Iteration, samples);
    }

    /// <summary>Runs blocking native work off the actor's thread; its failure becomes a reply, never a crash.</summary>
    private Task<object> RunOnOwnThread(Func<object> work, Func<Exception, object> onFailure) =>
        _job.Run(() =>
        {
            try
            {
                return work();
            }
            catch (Exception e)
            {
                return onFailure(e);
            }
        });

    private sealed record Done(long Job, object Reply, IActorRef ReplyTo);

    private sealed record Loaded(ILoadedPolicy Policy);

    /// <summary>The policy a sampler was last asked to hold; kept by its props across restarts.</summary>
    public sealed class PolicyMemory
    {
        /// <summary>The last load request, or null before the first.</summary>
        public LoadPolicy? Last { get; set; }

        /// <summary>The number of the job started last; a result of any other job is stale.</summary>
        public long CurrentJob { get; set; }

        /// <summary>Who waits for the last load while it is not done; a restarted sampler answers them.</summary>
        public IActorRef Asker { get; set; } = ActorRefs.Nobody;
    }
}
