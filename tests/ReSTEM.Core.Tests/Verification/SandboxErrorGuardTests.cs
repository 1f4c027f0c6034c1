using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tests.Verification;

/// <summary>The bound that tells a broken verifier from a few unverifiable samples.</summary>
public sealed class SandboxErrorGuardTests
{
    private static readonly VerificationResult Error = new(Verdict.SandboxError, "the verifier machinery failed 3 times; last: bwrap: cannot fork", null);
    private static readonly VerificationResult Wrong = new(Verdict.Failed, "expected 7, got 8", "8");

    [Fact]
    public void The_guard_trips_at_the_configured_number_of_sandbox_errors_in_a_row()
    {
        var guard = new SandboxErrorGuard(3);

        Assert.False(guard.Record("a", Error));
        Assert.False(guard.Record("b", Error));
        Assert.True(guard.Record("c", Error));

        Assert.Equal(3, guard.Consecutive);
        var message = guard.LimitMessage();
        Assert.Contains("3 verifications in a row", message);
        Assert.Contains("max-consecutive-sandbox-errors = 3", message);
        Assert.Contains("on c: ", message);
        Assert.Contains("bwrap: cannot fork", message);
    }

    [Fact]
    public void A_verdict_in_between_starts_the_count_again_but_the_total_keeps_counting()
    {
        var guard = new SandboxErrorGuard(3);

        Assert.False(guard.Record("a", Error));
        Assert.False(guard.Record("a", Error));
        Assert.False(guard.Record("b", Wrong));
        Assert.False(guard.Record("a", Error));
        Assert.False(guard.Record("c", VerificationResult.Pass("7")));
        Assert.False(guard.Record("d", Error));

        Assert.Equal(1, guard.Consecutive);
        Assert.Equal(4, guard.Total);
        var summary = guard.Summary();
        Assert.NotNull(summary);
        Assert.Contains("4 samples of 2 problems", summary);
        Assert.Contains("on d: ", summary);
    }

    [Fact]
    public void Verdicts_alone_leave_nothing_to_report()
    {
        var guard = new SandboxErrorGuard(1);

        Assert.False(guard.Record("a", Wrong));
        Assert.False(guard.Record("b", VerificationResult.Pass()));

        Assert.Equal(0, guard.Total);
        Assert.Null(guard.Summary());
        Assert.True(guard.Record("c", Error));
    }

    [Fact]
    public void The_bound_must_be_at_least_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SandboxErrorGuard(0));
}
