using ReSTEM.Core.Filtering;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tests.Filtering;

/// <summary>Gathering whole problems, and setting aside a problem one of whose samples could not be verified.</summary>
public sealed class ProblemCollectorTests
{
    private static readonly VerificationResult CannotFork = new(Verdict.SandboxError, "bwrap: cannot fork", null);

    private static VerifiedSample Sample(string problem, int index, VerificationResult result) =>
        new(new GeneratedSample(problem, index, "prompt", new Completion($"completion {index}\n#### 7", index, 6, 12, FinishReason.EndOfSequence), "iter-0", 1f), result, 1f);

    [Fact]
    public void A_problem_is_handed_over_once_all_its_samples_are_in()
    {
        var collector = new ProblemCollector(3, new SampleFilter(10));

        Assert.Null(collector.Add(Sample("p", 2, VerificationResult.Pass("7"))));
        Assert.Null(collector.Add(Sample("p", 0, new VerificationResult(Verdict.Failed, "wrong", "8"))));
        var completed = collector.Add(Sample("p", 1, VerificationResult.Pass("7")));

        Assert.NotNull(completed);
        Assert.Equal([0, 1, 2], completed.Samples.Select(s => s.Sample.SampleIndex));
        Assert.Equal(new HashSet<int> { 1, 2 }, completed.Accepted);
        Assert.Equal(0, collector.PendingProblems);
    }

    [Fact]
    public void A_sample_index_arriving_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() =>
        {
            var collector = new ProblemCollector(3, new SampleFilter(10));
            collector.Add(Sample("p", 1, VerificationResult.Pass("7")));
            collector.Add(Sample("p", 1, VerificationResult.Pass("7")));
        });

    [Fact]
    public void A_sandbox_error_sets_its_problem_aside_and_discards_its_pending_samples()
    {
        var collector = new ProblemCollector(3, new SampleFilter(10));
        Assert.Null(collector.Add(Sample("p", 0, VerificationResult.Pass("7"))));
        Assert.Null(collector.Add(Sample("q", 0, VerificationResult.Pass("7"))));
        Assert.Equal(2, collector.PendingProblems);

        Assert.Null(collector.Add(Sample("p", 1, CannotFork)));

        Assert.Equal(1, collector.PendingProblems);
        Assert.Equal(["p"], collector.SetAside);
        // The rest of p's samples in this pass complete nothing: p has no score for sample 1.
        Assert.Null(collector.Add(Sample("p", 2, VerificationResult.Pass("7"))));
        Assert.Null(collector.Add(Sample("p", 0, VerificationResult.Pass("7"))));
        Assert.Equal(1, collector.PendingProblems);
        // Other problems are untouched.
        Assert.Null(collector.Add(Sample("q", 1, VerificationResult.Pass("7"))));
        Assert.NotNull(collector.Add(Sample("q", 2, VerificationResult.Pass("7"))));
        Assert.Equal(0, collector.PendingProblems);
    }

    [Fact]
    public void A_problem_set_aside_is_collected_whole_in_the_next_pass()
    {
        var filter = new SampleFilter(10);
        var first = new ProblemCollector(2, filter);
        first.Add(Sample("p", 0, VerificationResult.Pass("7")));
        first.Add(Sample("p", 1, CannotFork));

        var next = new ProblemCollector(2, filter);
        Assert.Null(next.Add(Sample("p", 0, VerificationResult.Pass("7"))));
        var completed = next.Add(Sample("p", 1, VerificationResult.Pass("7")));

        Assert.NotNull(completed);
        Assert.DoesNotContain(completed.Samples, s => s.Result.Verdict == Verdict.SandboxError);
        Assert.Equal(2, completed.Samples.Count);
    }
}
