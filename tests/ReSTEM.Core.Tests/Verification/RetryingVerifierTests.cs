using System.Collections.Concurrent;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>Machinery failures are tried again on a fresh call; the candidate's verdicts never are.</summary>
public sealed class RetryingVerifierTests
{
    private static readonly Problem Problem = new() { Id = "p1", Question = "q", Answer = "7" };
    private static readonly VerificationResult CannotFork = new(Verdict.SandboxError, "bwrap: cannot fork: Resource temporarily unavailable", null);

    [Fact]
    public async Task A_sandbox_error_is_tried_again_and_the_later_verdict_counts()
    {
        var inner = new ScriptedVerifier(CannotFork, VerificationResult.Pass("7"));
        var warnings = new ConcurrentQueue<string>();
        var verifier = new RetryingVerifier(inner, 2, TimeSpan.FromSeconds(5), warnings.Enqueue);

        var result = await verifier.VerifyAsync(Problem, "#### 7", CancellationToken.None);

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(2, inner.Calls);
        var warning = Assert.Single(warnings);
        Assert.Contains("p1", warning);
        Assert.Contains("attempt 1 of 3", warning);
        Assert.Contains("cannot fork", warning);
    }

    [Fact]
    public async Task A_sandbox_error_on_every_attempt_is_returned_as_sandbox_error_with_the_count_and_last_reason()
    {
        var inner = new ScriptedVerifier(CannotFork, CannotFork, new VerificationResult(Verdict.SandboxError, "cgroup: cannot create", null));
        var warnings = new ConcurrentQueue<string>();
        var verifier = new RetryingVerifier(inner, 2, TimeSpan.FromSeconds(5), warnings.Enqueue);

        var result = await verifier.VerifyAsync(Problem, "#### 7", CancellationToken.None);

        Assert.Equal(Verdict.SandboxError, result.Verdict);
        Assert.Equal(0f, result.Reward);
        Assert.Contains("3 times", result.Reason);
        Assert.Contains("cgroup: cannot create", result.Reason);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(3, warnings.Count);
        Assert.Contains("giving up", warnings.Last());
    }

    [Theory]
    [InlineData(Verdict.Failed)]
    [InlineData(Verdict.NoAnswer)]
    [InlineData(Verdict.Timeout)]
    [InlineData(Verdict.Crash)]
    public async Task What_the_candidate_did_is_a_verdict_and_is_not_tried_again(Verdict verdict)
    {
        var inner = new ScriptedVerifier(new VerificationResult(verdict, "the candidate's doing", null), VerificationResult.Pass());
        var warnings = new ConcurrentQueue<string>();
        var verifier = new RetryingVerifier(inner, 2, TimeSpan.FromSeconds(5), warnings.Enqueue);

        var result = await verifier.VerifyAsync(Problem, "x", CancellationToken.None);

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(1, inner.Calls);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task A_verifier_that_throws_or_hangs_is_tried_again()
    {
        var inner = new ScriptedVerifier(new IOException("sandbox slot unavailable"), Hang.Instance, VerificationResult.Pass());
        var warnings = new ConcurrentQueue<string>();
        var verifier = new RetryingVerifier(inner, 2, TimeSpan.FromMilliseconds(200), warnings.Enqueue);

        var result = await verifier.VerifyAsync(Problem, "#### 7", CancellationToken.None);

        Assert.Equal(Verdict.Passed, result.Verdict);
        Assert.Equal(3, inner.Calls);
        Assert.Collection(warnings,
            w => Assert.Contains("IOException: sandbox slot unavailable", w),
            w => Assert.Contains("no verdict within 0.2 s", w));
    }

    [Fact]
    public async Task The_callers_cancellation_stops_at_once_and_is_not_a_machinery_failure()
    {
        var inner = new ScriptedVerifier(Hang.Instance, VerificationResult.Pass());
        var warnings = new ConcurrentQueue<string>();
        var verifier = new RetryingVerifier(inner, 2, TimeSpan.FromSeconds(30), warnings.Enqueue);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await verifier.VerifyAsync(Problem, "#### 7", stop.Token));

        Assert.Equal(1, inner.Calls);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task With_no_retries_one_sandbox_error_is_final()
    {
        var inner = new ScriptedVerifier(CannotFork, VerificationResult.Pass());
        var verifier = new RetryingVerifier(inner, 0, TimeSpan.FromSeconds(5), _ => { });

        var result = await verifier.VerifyAsync(Problem, "#### 7", CancellationToken.None);

        Assert.Equal(Verdict.SandboxError, result.Verdict);
        Assert.Contains("1 times", result.Reason);
        Assert.Equal(1, inner.Calls);
    }

    /// <summary>Stands for a verifier call that never answers until it is cancelled.</summary>
    private sealed class Hang
    {
        public static Hang Instance { get; } = new();
    }

    /// <summary>Answers each call with the next scripted step: a result, an exception to throw, or a hang.</summary>
    private sealed class ScriptedVerifier(params object[] steps) : IVerifier
    {
        private int _calls;

        public int Calls => _calls;

        public async ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
        {
            var step = steps[Math.Min(Interlocked.Increment(ref _calls), steps.Length) - 1];
            switch (step)
            {
                case Exception e:
                    throw e;
                case Hang:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("unreachable: the delay only ends by cancellation");
                default:
                    return (VerificationResult)step;
            }
        }
    }
}
