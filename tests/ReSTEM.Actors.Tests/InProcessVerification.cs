using ReSTEM.Actors.Verification;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>Verification without a dispatcher: <see cref="ExactAnswerVerifier"/>'s check, or a sandbox_error for the problems <c>broken</c> selects.</summary>
internal sealed class InProcessVerification(Func<string, bool>? broken = null) : IVerificationService
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public int Parallelism => 2;

    public Task<Verified> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var result = broken?.Invoke(problem.Id) == true
            ? new VerificationResult(Verdict.SandboxError, "cannot fork (scripted)", null)
            : ExactAnswerVerifier.Check(problem, completion);
        return Task.FromResult(new Verified(result, 1, "in-process"));
    }
}
