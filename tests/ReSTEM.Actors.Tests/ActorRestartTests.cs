using Akka.Actor;
using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Filtering;
using ReSTEM.Actors.Runs;
using ReSTEM.Actors.Sampling;
using ReSTEM.Actors.Training;
using ReSTEM.Actors.Writing;
using ReSTEM.Core.Options;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Actors.Tests;

/// <summary>Each actor of the pipeline, killed under a restarting parent, comes back to a working state and loses nothing.</summary>
public sealed class ActorRestartTests : TestKit
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-restart-" + Guid.NewGuid().ToString("N")[..10]);

    public ActorRestartTests()
        : base(ReSTEM.Actors.Hosting.ReSTEMAkkaExtensions.BaseHocon, "restarts")
    {
    }

    [Fact]
    public void A_restarted_sampler_reloads_its_policy_and_generates_the_same_samples()
    {
        var task = new ArithmeticTask(new ArithmeticOptions { TrainProblems = 4, ValidationProblems = 1, TestProblems = 1 }, new ExactAnswerVerifier());
        var problems = task.Problems(ReSTEM.Core.Problems.Split.Train);
        var loader = new ScriptedPolicyLoader(problems.ToDictionary(task.FormatPrompt));
        var options = new EStepOptions { SamplesPerProblem = 3, Decoding = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 40 } };
        var sampler = Supervised(SamplerActor.Props(loader, task, options, 11));
        sampler.Tell(new LoadPolicy("unused", "iter-0-abc"));
        Assert.Equal("iter-0-abc", ExpectMsg<PolicyLoaded>().CheckpointId);
        sampler.Tell(new GenerateBatch(1, problems));
        var before = ExpectMsg<BatchGenerated>();

        sampler.Tell(Kill.Instance);
        sampler.Tell(new GenerateBatch(1, problems));

        var after = ExpectMsg<BatchGenerated>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, loader.Loads);
        Assert.All(after.Samples, s => Assert.Equal("iter-0-abc", s.CheckpointId));
        Assert.Equal(before.Samples.Select(s => s.Completion.Text), after.Samples.Select(s => s.Completion.Text));
    }

    [Fact]
    public void A_restarted_filter_still_holds_the_samples_of_problems_in_flight()
    {
        var filter = Supervised(FilterActor.Props(3, 2));
        filter.Tell(new CollectSample(TestSamples.Verified("p1", 0, true)));
        filter.Tell(new CollectSample(TestSamples.Verified("p1", 1, false)));
        Assert.Null(ExpectMsg<SampleCollected>().Completed);
        Assert.Null(ExpectMsg<SampleCollected>().Completed);

        filter.Tell(Kill.Instance);
        filter.Tell(new CollectSample(TestSamples.Verified("p1", 2, true, "another answer\n#### 7")));

        var completed = ExpectMsg<SampleCollected>().Completed;
        Assert.NotNull(completed);
        Assert.Equal([0, 1, 2], completed.Samples.Select(s => s.Sample.SampleIndex));
        Assert.Equal([0, 2], completed.Accepted.Order());
    }

    [Fact]
    public void A_filter_refuses_a_sample_index_twice_with_a_failure_and_keeps_the_problem()
    {
        var filter = Supervised(FilterActor.Props(2, 2));
        filter.Tell(new CollectSample(TestSamples.Verified("p1", 0, true)));
        Assert.Null(ExpectMsg<SampleCollected>().Completed);

        filter.Tell(new CollectSample(TestSamples.Verified("p1", 0, true)));
        Assert.Contains("arrived twice", ExpectMsg<Status.Failure>().Cause.Message);

        filter.Tell(new CollectSample(TestSamples.Verified("p1", 1, false)));
        Assert.Equal(2, ExpectMsg<SampleCollected>().Completed!.Samples.Count);
    }

    [Fact]
    public async Task A_write_sent_again_or_to_a_restarted_writer_stores_no_row_twice()
    {
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), new RecordingObserver());
        var problem = run.TrainProblems[0];
        var k = run.Options.Sampling.SamplesPerProblem;
        var completed = new ReSTEM.Core.Filtering.CompletedProblem(problem.Id,
            Enumerable.Range(0, k).Select(i => TestSamples.Verified(problem.Id, i, i == 0)).ToList(), new HashSet<int> { 0 });
        var writer = Supervised(SampleWriterActor.Props(run.Samples, run.RunId, run.ProblemsById));
        writer.Tell(new WriteProblems(1, [completed]));
        Assert.Equal(k, ExpectMsg<ProblemsWritten>().Rows);

        writer.Tell(Kill.Instance);
        writer.Tell(new WriteProblems(1, [completed]));

        var again = ExpectMsg<ProblemsWritten>(TimeSpan.FromSeconds(10));
        Assert.Equal([problem.Id], again.ProblemIds);
        Assert.Equal(0, again.Rows);
        var rows = new List<SampleRow>();
        await foreach (var row in run.Samples.ReadAsync(1)) rows.Add(row);
        Assert.Equal(k, rows.Count);
        Assert.Empty((await run.Samples.ScanAsync(1)).Duplicates);
    }

    [Fact]
    public async Task A_restarted_trainer_lets_its_running_job_finish_and_the_result_reaches_the_asker()
    {
        var run = await TinyRun.CreateAsync(_root, TinyRun.Options(1), new RecordingObserver());
        var trainer = Supervised(TrainerActor.Props(run, new MStepRunner(run, null!)));

        trainer.Tell(BuildBaseModel.Instance);
        trainer.Tell(Kill.Instance);
        trainer.Tell(GetJobStatus.Instance);
        trainer.Tell(BuildBaseModel.Instance);

        // The restarted instance still knows the job: it reports it and refuses a second one beside it.
        Assert.Equal(0, ExpectMsg<JobStatus>().Running);
        Assert.Contains("already running the job of iteration 0", ExpectMsg<TrainingFailed>().Reason);
        var built = ExpectMsg<BaseModelBuilt>(TimeSpan.FromMinutes(2));
        Assert.False(string.IsNullOrEmpty(built.Digest));
        Assert.True(File.Exists(Path.Combine(run.Layout.Checkpoint(0), "config.json")));
        trainer.Tell(GetJobStatus.Instance);
        Assert.Null(ExpectMsg<JobStatus>().Running);
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
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }
}
