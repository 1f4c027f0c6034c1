using Akka.Actor;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Options;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Model;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Actors.Tests;

/// <summary>Samplers share one copy of the weights and give it back before the trainer or the evaluator loads its own.</summary>
public sealed class PolicyReleaseTests : TestKit
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-release-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public PolicyReleaseTests(ITestOutputHelper output)
        : base(ReSTEM.Actors.Hosting.ReSTEMAkkaExtensions.BaseHocon, "release")
    {
        _output = output;
    }

    [Fact]
    public void A_sampler_releases_its_policy_and_a_restarted_sampler_does_not_take_it_back()
    {
        var task = new ArithmeticTask(new ArithmeticOptions { TrainProblems = 4, ValidationProblems = 1, TestProblems = 1 }, new ExactAnswerVerifier());
        var problems = task.Problems(Split.Train);
        var loader = new LiveCountingLoader(new ScriptedPolicyLoader(problems.ToDictionary(task.FormatPrompt)));
        var options = new EStepOptions { SamplesPerProblem = 2, Decoding = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 40 } };
        var sampler = Supervised(SamplerActor.Props(loader, task, options, 11));
        sampler.Tell(new LoadPolicy("unused", "iter-0-abc"));
        ExpectMsg<PolicyLoaded>();
        Assert.Equal(1, loader.Live);

        sampler.Tell(ReleasePolicy.Instance);
        Assert.Equal("iter-0-abc", ExpectMsg<PolicyReleased>().CheckpointId);
        Assert.Equal(0, loader.Live);
        sampler.Tell(new GenerateBatch(1, problems));
        Assert.Contains("no policy loaded", ExpectMsg<BatchFailed>().Reason);

        // A restart while the trainer runs must not load the weights again.
        sampler.Tell(Kill.Instance);
        sampler.Tell(ReleasePolicy.Instance);
        Assert.Null(ExpectMsg<PolicyReleased>(TimeSpan.FromSeconds(10)).CheckpointId);
        Assert.Equal(1, loader.Loads);
        Assert.Equal(0, loader.Live);

        // The next E-step's load takes it again.
        sampler.Tell(new LoadPolicy("unused", "iter-1-def"));
        Assert.Equal("iter-1-def", ExpectMsg<PolicyLoaded>().CheckpointId);
        sampler.Tell(new GenerateBatch(2, problems));
        Assert.All(ExpectMsg<BatchGenerated>().Samples, s => Assert.Equal("iter-1-def", s.CheckpointId));
        Assert.Equal(2, loader.Loads);
        Assert.Equal(1, loader.Live);
    }

    [Fact]
    public void Samplers_and_the_evaluator_on_one_device_hold_one_copy_of_the_weights()
    {
        var checkpoint = Path.Combine(_root, "checkpoint");
        using (var policy = Policy.CreateRandom(ModelConfig.BuiltIn(new CharTokenizer().VocabSize, 32, 2, 4, 2, 64, 128), new CharTokenizer(), DeviceOptions.Cpu, 5))
            policy.Save(checkpoint);
        var resident = new ResidentPolicies();
        var loader = new TorchPolicyLoader(DeviceOptions.Cpu, new GeneratorOptions(), resident);
        var task = new ArithmeticTask(new ArithmeticOptions { TrainProblems = 2, ValidationProblems = 1, TestProblems = 1 }, new ExactAnswerVerifier());
        var options = new EStepOptions { SamplesPerProblem = 2, Decoding = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 8 } };
        var samplers = Enumerable.Range(0, 3).Select(i => Sys.ActorOf(SamplerActor.Props(loader, task, options, 3), $"sampler-{i}")).ToList();

        foreach (var s in samplers) s.Tell(new LoadPolicy(checkpoint, "iter-0-abc"));
        for (var i = 0; i < samplers.Count; i++) ExpectMsg<PolicyLoaded>(TimeSpan.FromSeconds(30));
        Assert.Equal(1, resident.Resident);

        // The evaluator's load of the same checkpoint shares it too.
        using (var evaluator = loader.Load(checkpoint, "iter-0-abc"))
        {
            Assert.Equal(1, resident.Resident);
            Assert.Equal("iter-0-abc", evaluator.Generator.CheckpointId);
        }
        Assert.Equal(1, resident.Resident);

        // Two samplers drawing at once from the shared weights draw what one draws alone.
        var problems = task.Problems(Split.Train);
        samplers[0].Tell(new GenerateBatch(1, problems));
        samplers[1].Tell(new GenerateBatch(1, problems));
        var a = ExpectMsg<BatchGenerated>(TimeSpan.FromSeconds(30));
        var b = ExpectMsg<BatchGenerated>(TimeSpan.FromSeconds(30));
        Assert.Equal(a.Samples.Select(s => s.Completion.Text), b.Samples.Select(s => s.Completion.Text));

        samplers[0].Tell(ReleasePolicy.Instance);
        ExpectMsg<PolicyReleased>();
        Assert.Equal(1, resident.Resident);
        foreach (var s in samplers.Skip(1)) s.Tell(ReleasePolicy.Instance);
        ExpectMsg<PolicyReleased>();
        ExpectMsg<PolicyReleased>();
        Assert.Equal(0, resident.Resident);
    }

    [Fact]
    public async Task A_sampler_that_does_not_release_in_time_is_the_machinerys_failure_with_a_clear_reason()
    {
        var silent = CreateTestProbe();
        var answering = CreateTestProbe();
        var step = new PlanStep.Train(1, new IterationRecord { Iteration = 1, Phase = IterationPhase.Sealed });
        var release = SamplerRelease.AllAsync([answering.Ref, silent.Ref], step, TimeSpan.FromMilliseconds(300));
        answering.ExpectMsg<ReleasePolicy>();
        answering.Reply(new PolicyReleased("iter-0-abc"));
        silent.ExpectMsg<ReleasePolicy>();

        var failed = Assert.IsType<ReleaseFailed>(await release);
        Assert.Contains("before the M-step of iteration 1", failed.Reason);
        Assert.Contains("sampler-timeout-seconds", failed.Reason);
        Assert.Contains("not of any sample", failed.Reason);

        var ok = SamplerRelease.AllAsync([answering.Ref], step, TimeSpan.FromSeconds(5));
        answering.ExpectMsg<ReleasePolicy>();
        answering.Reply(new PolicyReleased("iter-0-abc"));
        var released = Assert.IsType<SamplersReleased>(await ok);
        Assert.Equal(step, released.Step);
        Assert.Equal(["iter-0-abc"], released.CheckpointIds);
    }

    [Fact]
    public void Only_the_steps_that_load_weights_of_their_own_wait_for_the_samplers()
    {
        var record = new IterationRecord { Iteration = 1, Phase = IterationPhase.Sealed };
        Assert.True(SamplerRelease.Needed(new PlanStep.BuildBase()));
        Assert.True(SamplerRelease.Needed(new PlanStep.Train(1, record)));
        Assert.True(SamplerRelease.Needed(new PlanStep.Evaluate(1, record)));
        Assert.False(SamplerRelease.Needed(new PlanStep.Sample(1)));
        Assert.False(SamplerRelease.Needed(new PlanStep.TakeBase()));
        Assert.False(SamplerRelease.Needed(new PlanStep.PrepareBaseline()));
        Assert.False(SamplerRelease.Needed(new PlanStep.Finish()));
    }

    [Fact]
    public async Task In_a_whole_run_no_sampler_holds_weights_while_the_trainer_or_the_evaluator_works()
    {
        var options = TinyRun.Options(1);
        var observer = new SnapshotObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        var loader = new LiveCountingLoader(new ScriptedPolicyLoader(run.ProblemsById.Values.ToDictionary(p => run.Task.FormatPrompt(p))));
        observer.Live = () => loader.Live;

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output, loader: loader);

        Assert.True(finished.Succeeded, finished.Message);
        var snapshots = observer.Snapshots.ToList();
        foreach (var (phase, live) in snapshots) _output.WriteLine($"{phase}: {live} policies held");
        // The trainer's job reports its epochs while it runs: no sampler holds weights then.
        Assert.Contains(snapshots, s => s.Phase == "training");
        Assert.All(snapshots.Where(s => s.Phase is "training" or "building-base" or "start:training" or "start:evaluating"), s => Assert.Equal(0, s.Live));
        // While the evaluator scores, its own lease is the only one.
        Assert.Contains(snapshots, s => s.Phase == "evaluating");
        Assert.All(snapshots.Where(s => s.Phase == "evaluating"), s => Assert.Equal(1, s.Live));
        Assert.Equal(0, loader.Live);

        // The data are whole: K rows per train problem, D_1 as the filter accepted, the policy evaluated.
        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        var k = options.Sampling.SamplesPerProblem;
        Assert.Equal(run.TrainProblems.Count * k, rows.Count);
        Assert.All(run.TrainProblems, p => Assert.Equal(Enumerable.Range(0, k), rows.Where(r => r.ProblemId == p.Id).Select(r => r.SampleIndex).Order()));
        Assert.Equal(rows.Count(r => r.Accepted), (await run.Tables.ReadTrainSetAsync(1)).Count);
        var manifest = run.Manifests.Load();
        Assert.Equal(IterationPhase.Evaluated, manifest.Find(1)!.Phase);
        Assert.Equal(manifest.Find(0)!.Digest, manifest.Find(1)!.StartedFromDigest);
    }

    [Fact]
    public async Task A_sampler_that_fails_to_release_stops_the_run_with_exit_code_1_and_keeps_every_sealed_sample()
    {
        var options = TinyRun.WithoutBaseTraining(TinyRun.Options(1), _root);
        var observer = new RecordingObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        // The base's evaluation gives its policy back first; the sampler's release before the M-step is the one that fails.
        var loader = new FailingReleaseLoader(new ScriptedPolicyLoader(run.ProblemsById.Values.ToDictionary(p => run.Task.FormatPrompt(p))), failFrom: 2);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output, loader: loader);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("the samplers did not release their policy before the M-step of iteration 1", finished.Message);
        Assert.Contains(FailingReleaseLoader.Reason, finished.Message);
        Assert.Contains("not of any sample", finished.Message);
        Assert.Equal(2, loader.Disposals);
        var record = run.Manifests.Load().Find(1)!;
        Assert.Equal(IterationPhase.Sealed, record.Phase);
        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        Assert.Equal(run.TrainProblems.Count * options.Sampling.SamplesPerProblem, rows.Count);
        Assert.Equal(record.TrainRows, (await run.Tables.ReadTrainSetAsync(1)).Count);
    }

    private IActorRef Supervised(Props child)
    {
        Sys.ActorOf(RestartingParent.Props(child, TestActor));
        return ExpectMsg<IActorRef>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A loader whose policies fail to free from the <c>failFrom</c>-th disposal on, as a device that has gone wrong would.</summary>
    private sealed class FailingReleaseLoader(IPolicyLoader inner, int failFrom) : IPolicyLoader
    {
        public const string Reason = "the device stopped answering";

        private int _disposals;

        public int FailFrom => failFrom;

        public int Disposals => Volatile.Read(ref _disposals);

        public ILoadedPolicy Load(string checkpointDir, string checkpointId) => new Failing(this, inner.Load(checkpointDir, checkpointId));

        private sealed class Failing(FailingReleaseLoader owner, ILoadedPolicy loaded) : ILoadedPolicy
        {
            public ICompletionGenerator Generator => loaded.Generator;

            public void Dispose()
            {
                loaded.Dispose();
                if (Interlocked.Increment(ref owner._disposals) >= owner.FailFrom) throw new InvalidOperationException(Reason);
            }
        }
    }

    /// <summary>Records how many policies are held when a phase starts and whenever a long job reports progress.</summary>
    private sealed class SnapshotObserver : IRunObserver
    {
        private readonly RecordingObserver _lines = new();

        public Func<int> Live { get; set; } = () => -1;

        public System.Collections.Concurrent.ConcurrentQueue<(string Phase, int Live)> Snapshots { get; } = new();

        public IEnumerable<string> Lines => _lines.Lines;

        public void PhaseStarted(int iteration, string phase, string detail)
        {
            Snapshots.Enqueue(("start:" + phase, Live()));
            _lines.PhaseStarted(iteration, phase, detail);
        }

        public void Progress(int iteration, string phase, long done, long total, string status)
        {
            if (phase is "training" or "evaluating") Snapshots.Enqueue((phase, Live()));
            _lines.Progress(iteration, phase, done, total, status);
        }

        public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) => _lines.IterationEvaluated(iteration, metrics);

        public void Info(string message) => _lines.Info(message);
    }
}
