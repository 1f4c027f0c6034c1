using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>
/// A test verifier for the built-in arithmetic task: the text after the last <c>####</c> must
/// equal the gold answer exactly. The production verifier is tested in ReSTEM.Core.Tests; the
/// actor tests only need a deterministic, independent check.
/// </summary>
internal sealed class ExactAnswerVerifier : IVerifier
{
    private int _calls;

    public int Calls => _calls;

    public static VerificationResult Check(Problem problem, string completion)
    {
        var at = completion.LastIndexOf("####", StringComparison.Ordinal);
        if (at < 0) return new VerificationResult(Verdict.NoAnswer, "no #### line", null);
        var answer = completion[(at + 4)..].Trim();
        return answer == problem.Answer
            ? VerificationResult.Pass(answer)
            : new VerificationResult(Verdict.Failed, $"expected {problem.Answer}, got {answer}", answer);
    }

    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(Check(problem, completion));
    }
}
