using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using ReSTEM.Actors.Evaluation;
using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Training;
using ReSTEM.Actors.Verification;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// One per run: the state machine Starting -> Sampling -> Sealing -> Training -> Evaluating ->
/// next iteration, one behaviour per <see cref="CoordinatorPhase"/>, driven by what
/// <c>run.json</c> says is done, so a restart of the process carries on from the last durable
/// step. The E-step's passes are <see cref="EStepGraph"/>s; each pass starts from what is on disk,
/// so a problem whose write was lost or late is never sampled twice. Children that fail are
/// restarted and get back to a working state (a sampler reloads its policy; the filter, the
/// writer, the trainer and the evaluator keep their state in their props); a child that keeps
/// failing stops, and the run fails with the reason. The coordinator's own failure is the run's
/// failure: exit code 1 with the exception's message.
/// </summary>
public sealed class IterationCoordinator : ReceiveActor, IWithTimers
{
    private const string JobCheckTimer = "job-check";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunContext _run;
    private readonly IPolicyLoader _loader;
    private readonly IVerifier _verifier;
    private readonly TaskCompletionSource<RunOutcome> _outcome;
    private readonly RunOptions _options;
    private readonly CoordinatorSettings _settings;
    private readonly IterationPlan _plan;
    private readonly List<IActorRef> _samplers = [];
    private readonly HashSet<string> _sealed = new(StringComparer.Ordinal);
    private readonly EStepLoad _load = new();
    private IActorRef _dispatcher = ActorRefs.Nobody;
    private IActorRef _filter = ActorRefs.Nobody;
    private IActorRef _writer = ActorRefs.Nobody;
    private IActorRef _trainer = ActorRefs.Nobody;
    private IActorRef _evaluator = ActorRefs.Nobody;
    private RunManifest _manifest = null!;
    private UniqueKillSwitch? _stream;
    private CoordinatorPhase _phase = CoordinatorPhase.Starting;
    private int _iteration;
    private int _pass;
    private long _rows;
    private long _correct;
    private long _tokens;
    private SandboxErrorGuard _sandboxErrors = null!;
    private Stopwatch _phaseClock = new();
    private (IActorRef Worker, object Request, JobWatch Watch)? _job;
    private IDisposable[] _probes = [];

    /// <summary>Creates the coordinator of <paramref name="run"/>; <paramref name="outcome"/> completes when the run ends.</summary>
    public IterationCoordinator(
        RunContext run, IPolicyLoader loader, IVerifier verifier, TaskCompletionSource<RunOutcome> outcome, CoordinatorSettings settings)
    {
        _run = run;
        _loader = loader;
        _verifier = verifier;
        _outcome = outcome;
        _settings = settings;
        _options = run.Options;
        _plan = new IterationPlan(run.Options);
        Become(Starting);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the coordinator.</summary>
    public static Props Props(
        RunContext run, IPolicyLoader loader, IVerifier verifier, TaskCompletionSource<RunOutcome> outcome, CoordinatorSettings? settings = null)
    {
        var effective = settings ?? CoordinatorSettings.Default;
        return Akka.Actor.Props.Create(() => new IterationCoordinator(run, loader, verifier, outcome, effective));
    }

    /// <summary>A failing child restarts, ten times a minute at most; then it stops and the run fails (see <see cref="Terminated"/>).</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), Decider.From(Directive.Restart));

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (_outcome.Task.IsCompleted)
        {
            // A restart after a failure: the run already ended with the reason, nothing may start again.
            Context.Stop(Self);
            return;
        }
        var verification = _options.Verification;
        var verifies = VerifierIdentity.Of(_options.Task, verification);
        _dispatcher = Watched(VerificationDispatcher.Props(verifies), "verification");
        var machineryTimeout = TimeSpan.FromSeconds(Math.Max(30, verification.TimeoutSeconds * 3));
        for (var i = 0; i < (_settings.LocalVerifiers ?? verification.EffectiveParallelism); i++)
        {
            Context.ActorOf(VerifierActor.Props(_dispatcher, _verifier, verification.Retries, machineryTimeout, verifies), $"verifier-{i}");
        }
        for (var i = 0; i < Math.Max(1, _options.Sampling.Samplers); i++)
        {
            _samplers.Add(Watched(SamplerActor.Props(_loader, _run.Task, _options.Sampling, _options.Seed), $"sampler-{i}"));
        }
        _filter = Watched(FilterActor.Props(_options.Sampling.SamplesPerProblem, _options.Filter.MaxCorrectPerProblem), "filter");
        _writer = Watched(SampleWriterActor.Props(_run.Samples, _run.RunId, _run.ProblemsById), "writer");
        var verificationService = new DispatcherVerificationService(
            _dispatcher, verification.EffectiveParallelism, TimeSpan.FromSeconds(_options.Pipeline.VerifyTimeoutSeconds));
        var evaluator = new PolicyEvaluator(_run.Task, verificationService, _options.Sampling.Decoding);
        _trainer = Watched(TrainerActor.Props(_run, new MStepRunner(_run, evaluator)), "trainer");
        _evaluator = Watched(EvaluatorActor.Props(_run, _loader, new CheckpointEvaluation(_run, evaluator)), "evaluator");
        var load = _load;
        _probes =
        [
            RunMetrics.ObserveQueue("sampling-batches", () => load.Batches),
            RunMetrics.ObserveQueue("verifying-samples", () => load.Verifications),
            RunMetrics.ObserveQueue("writing-problems", () => load.Writes),
        ];
        var removed = RunFolder.RemoveLeftovers(_run.Layout);
        if (removed > 0) _run.Observer.Info($"removed {removed} unfinished temporary file(s) left by an interrupted write");
        Self.Tell(Continue.Instance);
    }

    /// <summary>The coordinator's own failure ends the run with exit code 1 and the reason; the restarted instance stops at once.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        var what = $"the run's coordinator failed in phase {_phase.ToName()} of iteration {_iteration} "
            + $"while handling {message?.GetType().Name ?? "a message"}: {reason.GetType().Name}: {reason.Message}";
        _log.Error(reason, what);
        _stream?.Shutdown();
        _outcome.TrySetResult(new RunOutcome(false, 1, what + "; run the same command again to carry the run on", TryLoadManifest()));
        base.PreRestart(reason, message);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var probe in _probes) probe.Dispose();
        _stream?.Shutdown();
        // Reached without an outcome only when the actor system is shut down from outside (a requested stop).
        _outcome.TrySetResult(new RunOutcome(false, 0, "the run was stopped before it finished; run the same command again to carry it on", _manifest));
    }

    // ---- behaviours, one per phase ----

    private void Starting()
    {
        ReceiveAsync<Continue>(_ => AdvanceAsync());
        Receive<SamplersReleased>(released => StartDeviceStep(released.Step));
        Receive<ReleaseFailed>(f => Fail(1, f.Reason));
        Always();
    }

    private void BuildingBase()
    {
        ReceiveAsync<BaseModelBuilt>(HandleBaseBuilt);
        Receive<TrainingFailed>(f => Fail(1, $"building the base model failed: {f.Reason}"));
        WatchingJob();
    }

    private void Sampling()
    {
        Receive<SamplersLoaded>(loaded => ForgetPartialProblems(loaded.Iteration));
        ReceiveAsync<SamplersReady>(ready => RunPassAsync(ready.Iteration));
        Receive<ProblemsWritten>(HandleWritten);
        ReceiveAsync<PassFinished>(HandlePassFinished);
        Receive<PassFailed>(f => Fail(1, $"the E-step of iteration {f.Iteration} failed: {f.Reason}"));
        Always();
    }

    private void Sealing()
    {
        ReceiveAsync<Seal>(seal => SealAsync(seal.Iteration));
        Always();
    }

    private void Training()
    {
        ReceiveAsync<IterationTrained>(HandleTrained);
        Receive<TrainingFailed>(f => Fail(1, $"training of iteration {f.Iteration} failed: {f.Reason}"));
        WatchingJob();
    }

    private void Evaluating()
    {
        ReceiveAsync<IterationEvaluated>(HandleEvaluated);
        Receive<EvaluationFailed>(f => Fail(1, $"evaluation of iteration {f.Iteration} failed: {f.Reason}"));
        WatchingJob();
    }

    private void Ended() => Receive<GetCoordinatorStatus>(_ => ReplyStatus());

    private void WatchingJob()
    {
        Receive<CheckJob>(_ => HandleCheckJob());
        Receive<JobStatus>(HandleJobStatus);
        Always();
    }

    private void Always()
    {
        Receive<GetCoordinatorStatus>(_ => ReplyStatus());
        Receive<Terminated>(t => Fail(1, $"the run's {t.ActorRef.Path.Name} actor stopped after failing repeatedly (see the log for its errors)"));
    }

    // ---- starting: what does run.json say is next? ----

    private async Task AdvanceAsync()
    {
        try
        {
            _manifest = _run.Manifests.Load();
        }
        catch (DamagedFileException e)
        {
            Fail(2, e.Message);
            return;
        }

        switch (_plan.Next(_manifest))
        {
            case PlanStep.TakeBase:
                await SaveAsync(new IterationRecord { Iteration = 0, Phase = IterationPhase.Trained, CheckpointId = "iter-0-base" });
                Advance();
                break;
            case var step when SamplerRelease.Needed(step):
                ReleaseSamplers(step);
                break;
            case PlanStep.PrepareBaseline:
                await PrepareBaselineAsync();
                break;
            case PlanStep.Sample sample:
                await StartSamplingAsync(sample.Iteration);
                break;
            case PlanStep.StopEarly stop:
                if (_manifest.StoppedEarly is null) await SaveManifestAsync(_manifest with { StoppedEarly = stop.Why });
                Complete($"stopped early after iteration {stop.Iteration}: {stop.Why}");
                break;
            default:
                Complete($"all {_options.Iterations} iterations are complete");
                break;
        }
    }

    /// <summary>
    /// The samplers give their weights back before <paramref name="step"/> loads its own on the
    /// device (never a sampler's, the trainer's and the evaluator's copy at once); the step starts
    /// when every sampler has answered, and a sampler that cannot release fails the run.
    /// </summary>
    private void ReleaseSamplers(PlanStep step)
    {
        var timeout = TimeSpan.FromSeconds(_options.Pipeline.SamplerTimeoutSeconds);
        SamplerRelease.AllAsync(_samplers, step, timeout).PipeTo(Self);
    }

    /// <summary>A step that uses the device, started once the samplers hold no weights.</summary>
    private void StartDeviceStep(PlanStep step)
    {
        switch (step)
        {
            case PlanStep.BuildBase:
                EnterPhase(0, CoordinatorPhase.BuildingBase, BuildingBase,
                    $"pre-training the built-in base model on {_options.Model.Pretrain.HumanSolutions} human solutions ({_options.Model.Pretrain.Epochs} epochs)");
                StartJob(_trainer, BuildBaseModel.Instance, 0);
                break;
            case PlanStep.Train { Iteration: RunLayout.SftBaseline } baseline:
                EnterPhase(baseline.Iteration, CoordinatorPhase.Baseline, Training,
                    $"SFT baseline: M-step from the base model on the human solutions of {baseline.Record.TrainRows} train problems");
                StartJob(_trainer, new TrainIteration(baseline.Iteration), baseline.Iteration);
                break;
            case PlanStep.Train train:
                EnterPhase(train.Iteration, CoordinatorPhase.Training, Training,
                    $"M-step on {train.Record.TrainRows} samples of D_{train.Iteration}, starting from {(_options.Training.StartFrom == StartFrom.Base ? "the base model" : "the previous policy")}");
                StartJob(_trainer, new TrainIteration(train.Iteration), train.Iteration);
                break;
            case PlanStep.Evaluate evaluate:
                StartEvaluation(evaluate.Iteration, evaluate.Record);
                break;
            default:
                throw new InvalidOperationException($"{step} does not use the device");
        }
    }

    /// <summary>The SFT baseline's training set: the human solution of every train problem.</summary>
    private async Task PrepareBaselineAsync()
    {
        const int sft = RunLayout.SftBaseline;
        var rows = new BaseModelBuilder(_run).SftTrainSet();
        if (rows.Count == 0)
        {
            Fail(2, $"restem.baseline = sft: task '{_run.Task.Name}' has no human solutions in its train split");
            return;
        }
        await _run.Tables.WriteTrainSetAsync(sft, rows);
        await SaveAsync(new IterationRecord { Iteration = sft, Phase = IterationPhase.Sealed, SealedProblems = rows.Count, TrainRows = rows.Count });
        Advance();
    }

    // ---- sampling: passes of the E-step graph until every problem is sealed ----

    private async Task StartSamplingAsync(int iteration)
    {
        if (_manifest.Find(iteration) is null)
            await SaveAsync(new IterationRecord { Iteration = iteration, Phase = IterationPhase.Sampling });

        if (_run.Samples.ForeignFiles(iteration) is { Count: > 0 } foreign)
        {
            Fail(2, new DamagedFileException(foreign[0], "it is not a sample part this program wrote").Message);
            return;
        }
        if (!await ReadSealedAsync(iteration)) return;
        _correct = 0;
        _tokens = 0;
        _pass = 0;
        _sandboxErrors = new SandboxErrorGuard(_options.Verification.MaxConsecutiveSandboxErrors);
        var unsealed = Unsealed();
        EnterPhase(iteration, CoordinatorPhase.Sampling, Sampling, unsealed.Count == _run.TrainProblems.Count
            ? $"E-step: {_options.Sampling.SamplesPerProblem} samples for each of {unsealed.Count} train problems"
            : $"E-step resumed: {_sealed.Count} of {_run.TrainProblems.Count} problems already sealed, {unsealed.Count} to sample");
        if (unsealed.Count == 0)
        {
            StartSealing(iteration);
            return;
        }
        LoadSamplers(iteration);
    }

    /// <summary>
    /// What is sealed comes from the parts on disk, never from replies alone: a write whose answer
    /// was lost still counts, and its problems are not sampled again. False (and the run failed) when
    /// the parts are damaged or hold a sample twice.
    /// </summary>
    private async Task<bool> ReadSealedAsync(int iteration)
    {
        SampleScan scan;
        try
        {
            scan = await _run.Samples.ScanAsync(iteration);
        }
        catch (DamagedFileException e)
        {
            Fail(2, e.Message);
            return false;
        }
        if (scan.Duplicates.Count > 0)
        {
            var (problem, index) = scan.Duplicates[0];
            Fail(1, $"iteration {iteration}: sample {index} of {problem} is stored twice ({scan.Duplicates.Count} duplicate rows in {_run.Layout.Samples(iteration)})");
            return false;
        }
        _sealed.Clear();
        _sealed.UnionWith(scan.Sealed(_options.Sampling.SamplesPerProblem));
        _rows = scan.Rows;
        return true;
    }

    /// <summary>Every pass (re)loads the policy: a no-op for a sampler that holds it, a reload for one that lost it.</summary>
    private void LoadSamplers(int iteration)
    {
        var previous = _manifest.Find(iteration - 1)!;
        var (dir, id) = _run.SamplingModelOf(iteration, previous.CheckpointId ?? $"iter-{iteration - 1}");
        var load = new LoadPolicy(dir, id);
        var timeout = TimeSpan.FromSeconds(_options.Pipeline.SamplerTimeoutSeconds);
        Task.WhenAll(_samplers.Select(s => s.Ask<PolicyLoaded>(load, timeout)))
            .PipeTo(Self, success: _ => new SamplersLoaded(iteration), failure: e => new PassFailed(iteration, $"the samplers could not load {load.CheckpointId}: {e.GetBaseException().Message}"));
    }

    /// <summary>Partial problems of an earlier pass are forgotten first: their samples are drawn again whole.</summary>
    private void ForgetPartialProblems(int iteration) =>
        _filter.Ask<PendingDiscarded>(DiscardPending.Instance, TimeSpan.FromSeconds(_options.Pipeline.VerifyTimeoutSeconds))
            .PipeTo(Self, success: _ => new SamplersReady(iteration), failure: e => new PassFailed(iteration, $"the filter did not start a new pass: {e.GetBaseException().Message}"));

    private async Task RunPassAsync(int iteration)
    {
        if (_pass > 0 && !await ReadSealedAsync(iteration)) return;
        var unsealed = Unsealed();
        if (unsealed.Count == 0)
        {
            StartSealing(iteration);
            return;
        }
        _pass++;
        var pipeline = _options.Pipeline;
        var stages = new ActorEStepStages(_samplers, _dispatcher, _filter, _writer, _run.ProblemsById,
            TimeSpan.FromSeconds(pipeline.SamplerTimeoutSeconds), TimeSpan.FromSeconds(pipeline.VerifyTimeoutSeconds));
        var settings = new EStepGraphSettings(
            _options.Sampling.ProblemsPerBatch, _options.Verification.EffectiveParallelism, pipeline.WriteBatchProblems,
            TimeSpan.FromMilliseconds(Math.Max(1, pipeline.WriteIntervalMs)), _settings.WriteAttempts);
        var observer = _run.Observer;
        var log = _log;
        var graph = new EStepGraph(stages, settings, _sandboxErrors, _load, line =>
        {
            log.Warning(line);
            observer.Info(line);
        });
        _stream = graph.Pass(iteration, unsealed)
            .To(Sink.ActorRef<ProblemsWritten>(Self, new PassFinished(iteration), e => new PassFailed(iteration, e.GetBaseException().Message)))
            .Run(Context.Materializer());
    }

    private void HandleWritten(ProblemsWritten written)
    {
        foreach (var id in written.ProblemIds) _sealed.Add(id);
        _rows += written.Rows;
        _correct += written.Correct;
        _tokens += written.CompletionTokens;
        var elapsed = Math.Max(_phaseClock.Elapsed.TotalSeconds, 1e-3);
        _run.Observer.Progress(written.Iteration, CoordinatorPhase.Sampling.ToName(), _sealed.Count, _run.TrainProblems.Count,
            $"{_rows} samples, {(_rows == 0 ? 0 : (double)_correct / _rows):P1} correct, {_rows / elapsed:F1} samples/s, {_tokens / elapsed:F0} tokens/s");
    }

    private async Task HandlePassFinished(PassFinished finished)
    {
        _stream = null;
        if (!await ReadSealedAsync(finished.Iteration)) return;
        var unsealed = Unsealed();
        if (unsealed.Count == 0)
        {
            StartSealing(finished.Iteration);
            return;
        }
        var sandboxErrors = _sandboxErrors.Summary();
        if (_pass >= _options.Pipeline.MaxPasses)
        {
            Fail(1, $"iteration {finished.Iteration}: {unsealed.Count} problems are still unsealed after {_pass} passes (e.g. {unsealed[0].Id}); "
                + (sandboxErrors ?? "see the log for the failures"));
            return;
        }
        _run.Observer.Info($"iteration {finished.Iteration}: pass {_pass} left {unsealed.Count} problems unsealed (e.g. {unsealed[0].Id}); drawing them again"
            + (sandboxErrors is null ? "" : $"; so far {sandboxErrors}"));
        LoadSamplers(finished.Iteration);
    }

    // ---- sealing: the barrier ----

    private void StartSealing(int iteration)
    {
        EnterPhase(iteration, CoordinatorPhase.Sealing, Sealing, "barrier: every train problem is sealed; writing D_i");
        Self.Tell(new Seal(iteration));
    }

    private async Task SealAsync(int iteration)
    {
        var sealer = new IterationSealer(_run.Samples, _run.Tables, _options.Sampling.SamplesPerProblem, _options.Filter.MaxCorrectPerProblem);
        SealResult result;
        try
        {
            result = await sealer.SealAsync(iteration, _run.TrainProblems, CancellationToken.None);
        }
        catch (DamagedFileException e)
        {
            Fail(2, e.Message);
            return;
        }
        catch (InvalidOperationException e)
        {
            Fail(1, e.Message);
            return;
        }
        await SaveAsync(_manifest.Find(iteration)! with
        {
            Phase = IterationPhase.Sealed,
            SealedProblems = result.Problems,
            SampleRows = result.SampleRows,
            TrainRows = result.TrainRows,
        });
        _run.Observer.Info($"iteration {iteration}: D_{iteration} sealed with {result.TrainRows} samples from {result.SolvedProblems} of {result.Problems} problems");
        Advance();
    }

    // ---- training and evaluation: long jobs, watched ----

    private async Task HandleBaseBuilt(BaseModelBuilt built)
    {
        StopWatchingJob();
        await SaveAsync(new IterationRecord
        {
            Iteration = 0,
            Phase = IterationPhase.Trained,
            CheckpointId = CheckpointIds.For(0, built.Digest),
            Digest = built.Digest,
        });
        Advance();
    }

    private async Task HandleTrained(IterationTrained trained)
    {
        StopWatchingJob();
        var i = trained.Iteration;
        var startIteration = _options.Training.StartFrom == StartFrom.Base || i == RunLayout.SftBaseline ? 0 : i - 1;
        await SaveAsync(_manifest.Find(i)! with
        {
            Phase = IterationPhase.Trained,
            CheckpointId = CheckpointIds.For(i, trained.Result.Digest),
            Digest = trained.Result.Digest,
            StartedFrom = _manifest.Find(startIteration)?.CheckpointId,
            StartedFromDigest = trained.Result.StartDigest,
            ValidationHistory = trained.Result.ValidationHistory,
        });
        Advance();
    }

    private void StartEvaluation(int iteration, IterationRecord record)
    {
        EnterPhase(iteration, CoordinatorPhase.Evaluating, Evaluating, iteration switch
        {
            0 => "evaluating the base model",
            RunLayout.SftBaseline => "evaluating the SFT baseline",
            _ => $"evaluating the policy of iteration {iteration}",
        });
        StartJob(_evaluator, new EvaluateIteration(iteration, _run.CheckpointOf(iteration), record.CheckpointId ?? $"iter-{iteration}"), iteration);
    }

    private async Task HandleEvaluated(IterationEvaluated evaluated)
    {
        StopWatchingJob();
        await SaveAsync(_manifest.Find(evaluated.Iteration)! with { Phase = IterationPhase.Evaluated, Metrics = evaluated.Metrics });
        _run.Observer.IterationEvaluated(evaluated.Iteration, evaluated.Metrics);
        Advance();
    }

    /// <summary>Sends a long job and watches it (<see cref="JobWatch"/>): silence and lost results are bounded, the job's length is not.</summary>
    private void StartJob(IActorRef worker, object request, int iteration)
    {
        _job = (worker, request, new JobWatch(worker.Path.Name, iteration, _settings.JobCheckMisses, _settings.JobAttempts, _settings.JobCheckInterval));
        worker.Tell(request);
        Timers.StartPeriodicTimer(JobCheckTimer, CheckJob.Instance, _settings.JobCheckInterval);
    }

    private void StopWatchingJob()
    {
        Timers.Cancel(JobCheckTimer);
        _job = null;
    }

    private void HandleCheckJob()
    {
        if (_job is not { } job) return;
        var (worker, _, watch) = job;
        if (watch.Check(_clock.Elapsed) is { } failure) Fail(1, failure);
        else worker.Tell(GetJobStatus.Instance);
    }

    private void HandleJobStatus(JobStatus status)
    {
        if (_job is not { } job) return;
        var (worker, request, watch) = job;
        var verdict = watch.Observe(status);
        switch (verdict.Action)
        {
            case JobAction.Fail:
                Fail(1, verdict.Reason);
                break;
            case JobAction.Resend:
                _log.Warning(verdict.Reason);
                _run.Observer.Info(verdict.Reason);
                worker.Tell(request);
                break;
        }
    }

    // ---- helpers ----

    private IActorRef Watched(Props props, string name) => Context.Watch(Context.ActorOf(props, name));

    private List<Problem> Unsealed() => _run.TrainProblems.Where(p => !_sealed.Contains(p.Id)).ToList();

    private void Advance()
    {
        Become(Starting);
        Self.Tell(Continue.Instance);
    }

    private void EnterPhase(int iteration, CoordinatorPhase phase, Action behaviour, string detail)
    {
        _iteration = iteration;
        _phase = phase;
        _phaseClock = Stopwatch.StartNew();
        Become(behaviour);
        _log.Info("iteration {0}: {1}: {2}", iteration, phase.ToName(), detail);
        _run.Observer.PhaseStarted(iteration, phase.ToName(), detail);
    }

    private void ReplyStatus() => Sender.Tell(new CoordinatorStatus(_iteration, _phase, _sealed.Count, _run.TrainProblems.Count));

    private Task SaveAsync(IterationRecord record) =>
        SaveManifestAsync(_manifest.With(record with { UpdatedUtc = DateTime.UtcNow }));

    private async Task SaveManifestAsync(RunManifest manifest)
    {
        await _run.Manifests.SaveAsync(manifest);
        _manifest = manifest;
    }

    private RunManifest? TryLoadManifest()
    {
        try
        {
            return _run.Manifests.Load();
        }
        catch (Exception e) when (e is DamagedFileException or IOException)
        {
            return null;
        }
    }

    private void Complete(string message)
    {
        _phase = CoordinatorPhase.Done;
        Become(Ended);
        _outcome.TrySetResult(new RunOutcome(true, 0, message, _manifest));
        Context.Stop(Self);
    }

    private void Fail(int exitCode, string message)
    {
        _phase = CoordinatorPhase.Failed;
        Become(Ended);
        Timers.CancelAll();
        _log.Error(message);
        _stream?.Shutdown();
        _outcome.TrySetResult(new RunOutcome(false, exitCode, message, _manifest));
        Context.Stop(Self);
    }

    private sealed record Continue
    {
        public static Continue Instance { get; } = new();
    }

    private sealed record CheckJob
    {
        public static CheckJob Instance { get; } = new();
    }

    private sealed record Seal(int Iteration);

    private sealed record SamplersLoaded(int Iteration);

    private sealed record SamplersReady(int Iteration);

    private sealed record PassFinished(int Iteration);

    private sealed record PassFailed(int Iteration, string Reason);
}
