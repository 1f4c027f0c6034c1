using ReSTEM.Core.Problems;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// Verification as a plain asynchronous call, for the plain classes (evaluation, checkpoint
/// selection) that run outside the E-step's stream but must use the same verifier pool.
/// </summary>
public interface IVerificationService
{
    /// <summary>Verifies one completion.</summary>
    Task<Verified> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken);

    /// <summary>How many verifications are worth keeping in flight at once.</summary>
    int Parallelism { get; }
}
