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
using ReSTEM.Core.Samples;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// One per run: the state machine Sampling -> Sealing -> Training -> Evaluating -> next
/// iteration, driven by what <c>run.json</c> says is done, so a restart (of this actor or of
/// the process) carries on from the last durable step. The E-step is an Akka.Streams graph:
/// problems are pulled in batches by the samplers, each sample is verified through the
/// work-pulling dispatcher with bounded parallelism, the filter gathers whole problems, and
/// the writer seals them in Parquet parts. A failed or timed-out ask never fails the stream:
/// its problems stay unsealed and are drawn again in the next pass. So does a sample the verifier
/// machinery could not score (<see cref="Verdict.SandboxError"/> after its retries): it is never
/// written or counted as reward 0; only a run of them in a row (<see cref="SandboxErrorGuard"/>)
/// stops the run, because then the machinery itself is broken.
/// </summary>
public sealed class IterationCoordinator : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RunContext _run;
    private readonly IPolicyLoader _loader;
    private readonly IVerifier _verifier;
    private readonly TaskCompletionSource<RunOutcome> _outcome;
    private readonly RunOptions _options;
    private readonly List<IActorRef> _samplers = [];
    private IActorRef _dispatcher = ActorRefs.Nobody;
    private IActorRef _filter = ActorRefs.Nobody;
    private IActorRef _writer = ActorRefs.Nobody;
    private IActorRef _trainer = ActorRefs.Nobody;
    private IActorRef _evaluator = ActorRefs.Nobody;
    private RunManifest _manifest = null!;
    private UniqueKillSwitch? _stream;
    private readonly HashSet<string> _sealed = new(StringComparer.Ordinal);
    private int _iteration;
    private string _phase = "starting";
    private int _pass;
    private long _rows;
    private long _correct;
    private long _tokens;
    private SandboxErrorGuard _sandboxErrors = null!;
    private Stopwatch _phaseClock = new();
    private readonly InFlight _inFlight = new();
    private IDisposable[] _probes = [];

    /// <summary>Creates the coordinator of <paramref name="run"/>; <paramref name="outcome"/> completes when the run ends.</summary>
    public IterationCoordinator(RunContext run, IPolicyLoader loader, IVerifier verifier, TaskCompletionSource<RunOutcome> outcome)
    {
        _run = run;
        _loader = loader;
        _verifier = verifier;
        _outcome = outcome;
        _options = run.Options;

        ReceiveAsync<Continue>(_ => AdvanceAsync());
        ReceiveAsync<BaseModelBuilt>(HandleBaseBuilt);
        ReceiveAsync<IterationTrained>(HandleTrained);
        ReceiveAsync<IterationEvaluated>(HandleEvaluated);
        Receive<TrainingFailed>(f => Fail(1, $"training of iteration {f.Iteration} failed: {f.Reason}"));
        Receive<EvaluationFailed>(f => Fail(1, $"evaluation of iteration {f.Iteration} failed: {f.Reason}"));
        Receive<SamplersLoaded>(loaded => PreparePass(loaded.Iteration));
        Receive<SamplersReady>(HandleSamplersReady);
        Receive<ProblemsWritten>(HandleWritten);
        ReceiveAsync<PassFinished>(HandlePassFinished);
        Receive<PassFailed>(f => Fail(1, $"the E-step of iteration {f.Iteration} failed: {f.Cause.Message}"));
        Receive<GetCoordinatorStatus>(_ => Sender.Tell(new CoordinatorStatus(_iteration, _phase, _sealed.Count, _run.TrainProblems.Count)));
    }

    /// <summary>Props of the coordinator.</summary>
    public static Props Props(RunContext run, IPolicyLoader loader, IVerifier verifier, TaskCompletionSource<RunOutcome> outcome) =>
        Akka.Actor.Props.Create(() => new IterationCoordinator(run, loader, verifier, outcome));

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), Decider.From(Directive.Restart));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var verification = _options.Verification;
        _dispatcher = Context.ActorOf(VerificationDispatcher.Props(), "verification");
        var machineryTimeout = TimeSpan.FromSeconds(Math.Max(30, verification.TimeoutSeconds * 3));
        for (var i = 0; i < verification.EffectiveParallelism; i++)
        {
            Context.ActorOf(VerifierActor.Props(_dispatcher, _verifier, verification.Retries, machineryTimeout), $"verifier-{i}");
        }
        for (var i = 0; i < Math.Max(1, _options.Sampling.Samplers); i++)
        {
            _samplers.Add(Context.ActorOf(SamplerActor.Props(_loader, _run.Task, _options.Sampling, _options.Seed), $"sampler-{i}"));
        }
        _filter = Context.ActorOf(FilterActor.Props(_options.Sampling.SamplesPerProblem, _options.Filter.MaxCorrectPerProblem), "filter");
        _writer = Context.ActorOf(SampleWriterActor.Props(_run.Samples, _run.RunId, _run.ProblemsById), "writer");
        var verificationService = new DispatcherVerificationService(
            _dispatcher, verification.EffectiveParallelism, TimeSpan.FromSeconds(_options.Pipeline.VerifyTimeoutSeconds));
        var evaluator = new PolicyEvaluator(_run.Task, verificationService, _options.Sampling.Decoding);
        _trainer = Context.ActorOf(TrainerActor.Props(_run, new MStepRunner(_run, evaluator)), "trainer");
        _evaluator = Context.ActorOf(EvaluatorActor.Props(_run, _loader, new CheckpointEvaluation(_run, evaluator)), "evaluator");
        var inFlight = _inFlight;
        _probes =
        [
            RunMetrics.ObserveQueue("sampling-batches", () => Interlocked.Read(ref inFlight.Batches)),
            RunMetrics.ObserveQueue("verifying-samples", () => Interlocked.Read(ref inFlight.Verifications)),
            RunMetrics.ObserveQueue("writing-problems", () => Interlocked.Read(ref inFlight.Writes)),
        ];
        var removed = RunFolder.RemoveLeftovers(_run.Layout);
        if (removed > 0) _run.Observer.Info($"removed {removed} unfinished temporary file(s) left by an interrupted write");
        Self.Tell(Continue.Instance);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var probe in _probes) probe.Dispose();
        _stream?.Shutdown();
        _outcome.TrySetResult(new RunOutcome(false, 0, "the run was stopped before it finished; run the same command again to carry it on", _manifest));
    }

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

        var builtIn = _options.Model.Base == ModelOptions.BuiltIn;
        var first = _manifest.Find(0);
        if (first is null || first.Phase < IterationPhase.Trained)
        {
            if (!builtIn)
            {
                await SaveAsync(new IterationRecord { Iteration = 0, Phase = IterationPhase.Trained, CheckpointId = "iter-0-base" });
                Self.Tell(Continue.Instance);
                return;
            }
            EnterPhase(0, "building-base", $"pre-training the built-in base model on {_options.Model.Pretrain.HumanSolutions} human solutions ({_options.Model.Pretrain.Epochs} epochs)");
            _trainer.Tell(BuildBaseModel.Instance);
            return;
        }
        if (first.Phase < IterationPhase.Evaluated)
        {
            StartEvaluation(0, first);
            return;
        }
        if (_options.Baseline == BaselineKind.Sft && await AdvanceBaselineAsync()) return;

        for (var i = 1; i <= _options.Iterations; i++)
        {
            var record = _manifest.Find(i);
            switch (record?.Phase)
            {
                case null or IterationPhase.Sampling:
                    await StartSamplingAsync(i);
                    return;
                case IterationPhase.Sealed:
                    EnterPhase(i, "training", $"M-step on {record.TrainRows} samples of D_{i}, starting from {(_options.Training.StartFrom == StartFrom.Base ? "the base model" : "the previous policy")}");
                    _trainer.Tell(new TrainIteration(i));
                    return;
                case IterationPhase.Trained:
                    StartEvaluation(i, record);
                    return;
            }
            if (_options.EarlyStop && StoppedImproving(i) is { } why)
            {
                if (_manifest.StoppedEarly is null) await SaveManifestAsync(_manifest with { StoppedEarly = why });
                Complete($"stopped early after iteration {i}: {why}");
                return;
            }
        }
        Complete($"all {_options.Iterations} iterations are complete");
    }

    /// <summary>
    /// Takes the SFT baseline (iteration <see cref="RunLayout.SftBaseline"/>) one step on: its training set
    /// (the human solution of every train problem), then the M-step from the base model, then its
    /// evaluation. False when it is already evaluated.
    /// </summary>
    private async Task<bool> AdvanceBaselineAsync()
    {
        const int sft = RunLayout.SftBaseline;
        var record = _manifest.Find(sft);
        switch (record?.Phase)
        {
            case null or IterationPhase.Sampling:
                var rows = new BaseModelBuilder(_run).SftTrainSet();
                if (rows.Count == 0)
                {
                    Fail(2, $"restem.baseline = sft: task '{_run.Task.Name}' has no human solutions in its train split");
                    return true;
                }
                await _run.Tables.WriteTrainSetAsync(sft, rows);
                await SaveAsync(new IterationRecord { Iteration = sft, Phase = IterationPhase.Sealed, SealedProblems = rows.Count, TrainRows = rows.Count });
                Self.Tell(Continue.Instance);
                return true;
            case IterationPhase.Sealed:
                EnterPhase(sft, "baseline", $"SFT baseline: M-step from the base model on the human solutions of {record.TrainRows} train problems");
                _trainer.Tell(new TrainIteration(sft));
                return true;
            case IterationPhase.Trained:
                StartEvaluation(sft, record);
                return true;
            default:
                return false;
        }
    }

    private string? StoppedImproving(int iteration)
    {
        const string key = "val_pass@1";
        var current = _manifest.Find(iteration)?.Metrics?.GetValueOrDefault(key);
        if (current is null || iteration == _options.Iterations) return null;
        var best = Enumerable.Range(0, iteration)
            .Select(i => _manifest.Find(i)?.Metrics?.GetValueOrDefault(key))
            .Where(v => v is not null)
            .DefaultIfEmpty(null)
            .Max();
        return best is not null && current <= best
            ? $"validation pass@1 {current:P1} did not improve on the best earlier iteration's {best:P1}"
            : null;
    }

    private async Task StartSamplingAsync(int iteration)
    {
        if (_manifest.Find(iteration) is null)
            await SaveAsync(new IterationRecord { Iteration = iteration, Phase = IterationPhase.Sampling });

        var store = _run.Samples;
        if (store.ForeignFiles(iteration) is { Count: > 0 } foreign)
        {
            Fail(2, new DamagedFileException(foreign[0], "it is not a sample part this program wrote").Message);
            return;
        }
        SampleScan scan;
        try
        {
            scan = await store.ScanAsync(iteration);
        }
        catch (DamagedFileException e)
        {
            Fail(2, e.Message);
            return;
        }
        if (scan.Duplicates.Count > 0)
        {
            var (problem, index) = scan.Duplicates[0];
            Fail(1, $"iteration {iteration}: sample {index} of {problem} is stored twice ({scan.Duplicates.Count} duplicate rows in {_run.Layout.Samples(iteration)})");
            return;
        }
        _sealed.Clear();
        _sealed.UnionWith(scan.Sealed(_options.Sampling.SamplesPerProblem));
        _rows = scan.Rows;
        _correct = 0;
        _tokens = 0;
        _pass = 0;
        _sandboxErrors = new SandboxErrorGuard(_options.Verification.MaxConsecutiveSandboxErrors);
        var unsealed = Unsealed();
        EnterPhase(iteration, "sampling", unsealed.Count == _run.TrainProblems.Count
            ? $"E-step: {_options.Sampling.SamplesPerProblem} samples for each of {unsealed.Count} train problems"
            : $"E-step resumed: {_sealed.Count} of {_run.TrainProblems.Count} problems already sealed, {unsealed.Count} to sample");
        if (unsealed.Count == 0)
        {
            await SealAsync(iteration);
            return;
        }
        LoadSamplers(iteration);
    }

    private void LoadSamplers(int iteration)
    {
        var previous = _manifest.Find(iteration - 1)!;
        var (dir, id) = _run.SamplingModelOf(iteration, previous.CheckpointId ?? $"iter-{iteration - 1}");
        var load = new LoadPolicy(dir, id);
        var timeout = TimeSpan.FromSeconds(_options.Pipeline.SamplerTimeoutSeconds);
        Task.WhenAll(_samplers.Select(s => s.Ask<PolicyLoaded>(load, timeout)))
            .PipeTo(Self, success: _ => new SamplersLoaded(iteration), failure: e => new PassFailed(iteration, e));
    }

    /// <summary>Partial problems of an earlier pass are forgotten first: their samples are drawn again whole.</summary>
    private void PreparePass(int iteration) =>
        _filter.Ask<PendingDiscarded>(DiscardPending.Instance, TimeSpan.FromSeconds(_options.Pipeline.VerifyTimeoutSeconds))
            .PipeTo(Self, success: _ => new SamplersReady(iteration), failure: e => new PassFailed(iteration, e));

    private void HandleSamplersReady(SamplersReady ready)
    {
        _pass++;
        var unsealed = Unsealed();
        var iteration = ready.Iteration;
        var pipeline = _options.Pipeline;
        var samplerTimeout = TimeSpan.FromSeconds(pipeline.SamplerTimeoutSeconds);
        var verifyTimeout = TimeSpan.FromSeconds(pipeline.VerifyTimeoutSeconds);
        var verifyParallelism = _options.Verification.EffectiveParallelism;
        var problems = _run.ProblemsById;
        var samplers = _samplers.ToArray();
        var filter = _filter;
        var writer = _writer;
        var dispatcher = _dispatcher;
        var sandboxErrors = _sandboxErrors;
        var inFlight = _inFlight;
        var next = 0;

        _stream = Source.From(unsealed)
            .Grouped(Math.Max(1, _options.Sampling.ProblemsPerBatch))
            .SelectAsync(samplers.Length, batch =>
            {
                var sampler = samplers[next++ % samplers.Length];
                var request = new GenerateBatch(iteration, batch.ToList());
                Interlocked.Increment(ref inFlight.Batches);
                return sampler.Ask<object>(request, samplerTimeout).ContinueWith(t =>
                {
                    Interlocked.Decrement(ref inFlight.Batches);
                    return t.IsCompletedSuccessfully
                        ? t.Result
                        : new BatchFailed(iteration, request.Problems.Select(p => p.Id).ToList(), t.Exception?.GetBaseException().Message ?? "timed out");
                }, TaskScheduler.Default);
            })
            .SelectMany(reply => reply switch
            {
                BatchGenerated generated => generated.Samples,
                BatchFailed failed => ReportBatchFailure(failed),
                _ => [],
            })
            .SelectAsyncUnordered(verifyParallelism, sample =>
            {
                Interlocked.Increment(ref inFlight.Verifications);
                return dispatcher.Ask<Verified>(new Verify(problems[sample.ProblemId], sample.Completion.Text), verifyTimeout)
                    .ContinueWith(t =>
                    {
                        Interlocked.Decrement(ref inFlight.Verifications);
                        return t.IsCompletedSuccessfully ? new VerifiedSample(sample, t.Result.Result, t.Result.VerifyMs) : null;
                    }, TaskScheduler.Default);
            })
            .Where(v => v is not null)
            .Select(v =>
            {
                // Not one bad element but a broken verifier: failing the stream fails the run with the reason.
                if (sandboxErrors.Record(v!.Sample.ProblemId, v.Result)) throw new InvalidOperationException(sandboxErrors.LimitMessage());
                return v;
            })
            // A sandbox_error sample goes to the filter too: it sets its problem aside for this pass.
            .SelectAsync(1, v => filter.Ask<SampleCollected>(new CollectSample(v), verifyTimeout))
            .Where(c => c.Completed is not null)
            .GroupedWithin(Math.Max(1, pipeline.WriteBatchProblems), TimeSpan.FromMilliseconds(Math.Max(1, pipeline.WriteIntervalMs)))
            .SelectAsync(1, group =>
            {
                var completed = group.Select(c => c.Completed!).ToList();
                Interlocked.Add(ref inFlight.Writes, completed.Count);
                return writer.Ask<ProblemsWritten>(new WriteProblems(iteration, completed), verifyTimeout)
                    .ContinueWith(t =>
                    {
                        Interlocked.Add(ref inFlight.Writes, -completed.Count);
                        return t;
                    }, TaskScheduler.Default).Unwrap();
            })
            .ViaMaterialized(KillSwitches.Single<ProblemsWritten>(), Keep.Right)
            .To(Sink.ActorRef<ProblemsWritten>(Self, new PassFinished(iteration), e => new PassFailed(iteration, e)))
            .Run(Context.Materializer());
    }

    private IEnumerable<GeneratedSample> ReportBatchFailure(BatchFailed failed)
    {
        _run.Observer.Info($"iteration {failed.Iteration}: a batch of {failed.ProblemIds.Count} problems failed ({failed.Reason}); they will be drawn again");
        return [];
    }

    private void HandleWritten(ProblemsWritten written)
    {
        foreach (var id in written.ProblemIds) _sealed.Add(id);
        _rows += written.Rows;
        _correct += written.Correct;
        _tokens += written.CompletionTokens;
        var elapsed = Math.Max(_phaseClock.Elapsed.TotalSeconds, 1e-3);
        _run.Observer.Progress(written.Iteration, "sampling", _sealed.Count, _run.TrainProblems.Count,
            $"{_rows} samples, {(_rows == 0 ? 0 : (double)_correct / _rows):P1} correct, {_rows / elapsed:F1} samples/s, {_tokens / elapsed:F0} tokens/s");
    }

    private async Task HandlePassFinished(PassFinished finished)
    {
        _stream = null;
        var unsealed = Unsealed();
        if (unsealed.Count == 0)
        {
            await SealAsync(finished.Iteration);
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
        PreparePass(finished.Iteration);
    }

    private async Task SealAsync(int iteration)
    {
        EnterPhase(iteration, "sealing", "barrier: every train problem is sealed; writing D_i");
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
        Self.Tell(Continue.Instance);
    }

    private async Task HandleBaseBuilt(BaseModelBuilt built)
    {
        await SaveAsync(new IterationRecord
        {
            Iteration = 0,
            Phase = IterationPhase.Trained,
            CheckpointId = CheckpointIds.For(0, built.Digest),
            Digest = built.Digest,
        });
        Self.Tell(Continue.Instance);
    }

    private async Task HandleTrained(IterationTrained trained)
    {
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
        Self.Tell(Continue.Instance);
    }

    private void StartEvaluation(int iteration, IterationRecord record)
    {
        EnterPhase(iteration, "evaluating", iteration switch
        {
            0 => "evaluating the base model",
            RunLayout.SftBaseline => "evaluating the SFT baseline",
            _ => $"evaluating the policy of iteration {iteration}",
        });
        _evaluator.Tell(new EvaluateIteration(iteration, _run.CheckpointOf(iteration), record.CheckpointId ?? $"iter-{iteration}"));
    }

    private async Task HandleEvaluated(IterationEvaluated evaluated)
    {
        await SaveAsync(_manifest.Find(evaluated.Iteration)! with { Phase = IterationPhase.Evaluated, Metrics = evaluated.Metrics });
        _run.Observer.IterationEvaluated(evaluated.Iteration, evaluated.Metrics);
        Self.Tell(Continue.Instance);
    }

    private List<Problem> Unsealed() => _run.TrainProblems.Where(p => !_sealed.Contains(p.Id)).ToList();

    private void EnterPhase(int iteration, string phase, string detail)
    {
        _iteration = iteration;
        _phase = phase;
        _phaseClock = Stopwatch.StartNew();
        _log.Info("iteration {0}: {1}: {2}", iteration, phase, detail);
        _run.Observer.PhaseStarted(iteration, phase, detail);
    }

    private Task SaveAsync(IterationRecord record) =>
        SaveManifestAsync(_manifest.With(record with { UpdatedUtc = DateTime.UtcNow }));

    private async Task SaveManifestAsync(RunManifest manifest)
    {
        await _run.Manifests.SaveAsync(manifest);
        _manifest = manifest;
    }

    private void Complete(string message)
    {
        _phase = "done";
        _outcome.TrySetResult(new RunOutcome(true, 0, message, _manifest));
        Context.Stop(Self);
    }

    private void Fail(int exitCode, string message)
    {
        _phase = "failed";
        _log.Error(message);
        _stream?.Shutdown();
        _outcome.TrySetResult(new RunOutcome(false, exitCode, message, _manifest));
        Context.Stop(Self);
    }

    /// <summary>What the E-step's bounded stages hold right now (read by the queue-depth metric).</summary>
    private sealed class InFlight
    {
        public long Batches;
        public long Verifications;
        public long Writes;
    }

    private sealed record Continue
    {
        public static Continue Instance { get; } = new();
    }

    private sealed record SamplersLoaded(int Iteration);

    private sealed record SamplersReady(int Iteration);

    private sealed record PassFinished(int Iteration);

    private sealed record PassFailed(int Iteration, Exception Cause);
}
