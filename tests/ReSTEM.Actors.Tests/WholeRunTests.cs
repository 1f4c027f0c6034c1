using Akka.TestKit.Xunit2;
using ReSTEM.Actors.Iteration;
using ReSTEM.Core.Filtering;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;
using Xunit.Abstractions;

namespace ReSTEM.Actors.Tests;

public sealed class WholeRunTests : TestKit
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "restem-run-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public WholeRunTests(ITestOutputHelper output)
        : base(ReSTEM.Actors.Hosting.ReSTEMAkkaExtensions.BaseHocon, "whole-run")
    {
        _output = output;
    }

    [Fact]
    public async Task A_tiny_run_goes_through_every_room_and_obeys_ReST_EM()
    {
        var options = TinyRun.Options();
        var observer = new RecordingObserver();
        var run = await TinyRun.CreateAsync(_root, options, observer);
        var outcome = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The E-step and evaluation draw from a scripted policy; the base model and every M-step are real training.
        var loader = new ScriptedPolicyLoader(run.ProblemsById.Values.ToDictionary(p => run.Task.FormatPrompt(p)));

        Sys.ActorOf(IterationCoordinator.Props(run, loader, run.Task.Verifier, outcome), "coordinator");
        var finished = await outcome.Task.WaitAsync(TimeSpan.FromMinutes(4));
        foreach (var line in observer.Lines) _output.WriteLine(line);

        Assert.True(finished.Succeeded, finished.Message);
        Assert.Equal(options.Iterations * 2 + 1, loader.Loads);
        var manifest = run.Manifests.Load();
        var k = options.Sampling.SamplesPerProblem;
        var baseDigest = manifest.Find(0)!.Digest;
        Assert.NotNull(baseDigest);
        for (var i = 1; i <= options.Iterations; i++)
        {
            // K sample rows per train problem, no (problem, index) twice.
            var rows = new List<SampleRow>();
            await foreach (var row in run.Samples.ReadAsync(i)) rows.Add(row);
            Assert.Equal(run.TrainProblems.Count * k, rows.Count);
            Assert.All(run.TrainProblems, p => Assert.Equal(Enumerable.Range(0, k), rows.Where(r => r.ProblemId == p.Id).Select(r => r.SampleIndex).Order()));

            // Every stored reward equals an independent re-check of the stored completion.
            Assert.All(rows, r => Assert.Equal(ExactAnswerVerifier.Check(run.ProblemsById[r.ProblemId], r.Completion).Reward, r.Reward));

            // D_i: correct only, no duplicate completion per problem, at most the cap.
            var train = await run.Tables.ReadTrainSetAsync(i);
            Assert.Equal(manifest.Find(i)!.TrainRows, train.Count);
            Assert.All(train, t => Assert.Equal(1f, t.Reward));
            foreach (var group in train.GroupBy(t => t.ProblemId))
            {
                Assert.True(group.Count() <= options.Filter.MaxCorrectPerProblem);
                Assert.Equal(group.Count(), group.Select(t => SampleFilter.Normalize(t.Completion)).Distinct().Count());
            }
            Assert.Equal(rows.Count(r => r.Accepted), train.Count);
            Assert.Contains(train.GroupBy(t => t.ProblemId), g => g.Count() == options.Filter.MaxCorrectPerProblem);
            Assert.True(rows.Count(r => r.Reward > 0) > train.Count, "the filter removed nothing, so dedup and cap went untested");

            // The M-step started from the base model, not from the previous iteration.
            Assert.Equal(baseDigest, manifest.Find(i)!.StartedFromDigest);
            if (i > 1) Assert.NotEqual(manifest.Find(i - 1)!.Digest, manifest.Find(i)!.StartedFromDigest);
        }

        // An evaluation row for every test problem, for the base model and each iteration.
        for (var i = 0; i <= options.Iterations; i++)
        {
            var eval = await run.Tables.ReadEvaluationAsync(i);
            foreach (var mode in new[] { "greedy", "sampled" })
            {
                Assert.Equal(run.TestProblems.Select(p => p.Id).Order(), eval.Where(e => e.Split == "test" && e.Mode == mode).Select(e => e.ProblemId).Order());
            }
            Assert.Contains("pass@1", manifest.Find(i)!.Metrics!.Keys);
            Assert.True(File.Exists(run.Layout.Metrics(i)));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root, AtomicFile.TempPrefix + "*", SearchOption.AllDirectories));
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
