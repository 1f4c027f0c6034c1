using Akka.Actor;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Iteration;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Filtering;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;
using Xunit.Abstractions;

namespace ReSTEM.Actors.Tests;

/// <summary>Whole runs whose actors fail: a restarted child loses nothing; the coordinator's own failure is exit code 1 with the reason.</summary>
public sealed class CoordinatorSupervisionTests : TestKit
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-supervision-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public CoordinatorSupervisionTests(ITestOutputHelper output)
        : base(ReSTEM.Actors.Hosting.ReSTEMAkkaExtensions.BaseHocon, "supervision")
    {
        _output = output;
    }

    [Fact]
    public async Task A_coordinator_that_throws_ends_the_run_with_exit_code_1_and_the_reason()
    {
        var observer = new ActingObserver { OnPhase = (_, phase) => { if (phase == "sealing") throw new InvalidOperationException("display broke"); } };
        var run = await TinyRun.CreateAsync(_root, TinyRun.WithoutBaseTraining(TinyRun.Options(1), _root), observer);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("coordinator failed in phase sealing of iteration 1", finished.Message);
        Assert.Contains("InvalidOperationException: display broke", finished.Message);
        // The restarted instance stopped at once: nothing after the failure was done.
        Assert.Equal(IterationPhase.Sampling, run.Manifests.Load().Find(1)!.Phase);
        Assert.False(File.Exists(run.Layout.TrainSet(1)));
    }

    [Fact]
    public async Task A_child_that_keeps_failing_stops_and_the_run_fails_with_exit_code_1()
    {
        var observer = new ActingObserver();
        observer.OnPhase = (_, phase) =>
        {
            if (phase != "sampling") return;
            for (var i = 0; i < 12; i++) Sys.ActorSelection("/user/coordinator/filter").Tell(Kill.Instance);
        };
        var run = await TinyRun.CreateAsync(_root, TinyRun.WithoutBaseTraining(TinyRun.Options(1), _root), observer);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output);

        Assert.False(finished.Succeeded);
        Assert.Equal(1, finished.ExitCode);
        Assert.Contains("the run's filter actor stopped after failing repeatedly", finished.Message);
    }

    [Fact]
    public async Task Killing_the_sampler_filter_writer_trainer_and_evaluator_mid_run_loses_and_double_counts_nothing()
    {
        var options = TinyRun.Options(1);
        var killed = new HashSet<string>();
        var observer = new ActingObserver();
        void KillOnce(string child)
        {
            lock (killed)
            {
                if (!killed.Add(child)) return;
            }
            Sys.ActorSelection($"/user/coordinator/{child}").Tell(Kill.Instance);
        }
        observer.OnProgress = (iteration, phase) =>
        {
            if (iteration != 1) return;
            if (phase == "sampling")
            {
                KillOnce("sampler-0");
                KillOnce("filter");
                KillOnce("writer");
            }
            if (phase == "training") KillOnce("trainer");
            if (phase == "evaluating") KillOnce("evaluator");
        };
        var run = await TinyRun.CreateAsync(_root, options, observer);

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output);

        Assert.True(finished.Succeeded, finished.Message);
        Assert.Equal(["evaluator", "filter", "sampler-0", "trainer", "writer"], killed.Order());
        var k = options.Sampling.SamplesPerProblem;
        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        Assert.Equal(run.TrainProblems.Count * k, rows.Count);
        Assert.All(run.TrainProblems, p => Assert.Equal(Enumerable.Range(0, k), rows.Where(r => r.ProblemId == p.Id).Select(r => r.SampleIndex).Order()));
        Assert.All(rows, r => Assert.Equal(ExactAnswerVerifier.Check(run.ProblemsById[r.ProblemId], r.Completion).Reward, r.Reward));
        var train = await run.Tables.ReadTrainSetAsync(1);
        Assert.Equal(rows.Count(r => r.Accepted), train.Count);
        foreach (var group in train.GroupBy(t => t.ProblemId))
        {
            Assert.True(group.Count() <= options.Filter.MaxCorrectPerProblem);
            Assert.Equal(group.Count(), group.Select(t => SampleFilter.Normalize(t.Completion)).Distinct().Count());
        }
        Assert.Equal(IterationPhase.Evaluated, run.Manifests.Load().Find(1)!.Phase);
    }

    [Fact]
    public async Task Frequent_job_status_checks_never_send_a_running_job_again()
    {
        var observer = new ActingObserver();
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), observer);
        var settings = CoordinatorSettings.Default with { JobCheckInterval = TimeSpan.FromMilliseconds(20), JobCheckMisses = 50 };

        var finished = await TinyRun.RunCoordinatorAsync(Sys, run, run.Task.Verifier, observer.Lines, _output, settings);

        Assert.True(finished.Succeeded, finished.Message);
        Assert.DoesNotContain(observer.Lines, l => l.Contains("sending the job again"));
        Assert.Equal(IterationPhase.Evaluated, run.Manifests.Load().Find(1)!.Phase);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Records like <see cref="RecordingObserver"/> and acts on phases and progress (kills, failures).</summary>
    private sealed class ActingObserver : IRunObserver
    {
        private readonly RecordingObserver _lines = new();

        public Action<int, string>? OnPhase { get; set; }

        public Action<int, string>? OnProgress { get; set; }

        public IEnumerable<string> Lines => _lines.Lines;

        public void PhaseStarted(int iteration, string phase, string detail)
        {
            _lines.PhaseStarted(iteration, phase, detail);
            OnPhase?.Invoke(iteration, phase);
        }

        public void Progress(int iteration, string phase, long done, long total, string status)
        {
            _lines.Progress(iteration, phase, done, total, status);
            OnProgress?.Invoke(iteration, phase);
        }

        public void IterationEvaluated(int iteration, IReadOnlyDictionary<string, double> metrics) => _lines.IterationEvaluated(iteration, metrics);

        public void Info(string message) => _lines.Info(message);
    }
}
