using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification;

/// <summary>
/// Scores one completion of one problem with a binary reward. Implementations never throw for
/// anything the completion does; they throw only when their own machinery is broken (the
/// pipeline retries those), and honour cancellation.
/// </summary>
public interface IVerifier
{
    /// <summary>Checks <paramref name="completion"/> against <paramref name="problem"/>.</summary>
    ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken);
}
