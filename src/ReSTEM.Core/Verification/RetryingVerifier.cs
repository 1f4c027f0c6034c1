using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification;

/// <summary>
/// Runs a verifier again when its own machinery failed: it threw, it gave no answer within the
/// attempt's time limit, or it answered <see cref="Verdict.SandboxError"/> (could not fork,
/// bubblewrap or cgroup errors, a harness that could not start). Each attempt calls the inner
/// verifier afresh, which for the code verifiers is a new sandbox run. Whatever the candidate
/// did is a verdict and is returned at once. After the last attempt the result is
/// <see cref="Verdict.SandboxError"/> naming the attempts and the last reason: it says the
/// sample could not be scored, never that the candidate failed.
/// </summary>
public sealed class RetryingVerifier : IVerifier
{
    private readonly IVerifier _inner;
    private readonly int _attempts;
    private readonly TimeSpan _attemptTimeout;
    private readonly Action<string> _warn;

    /// <summary>Creates the retrying wrapper.</summary>
    /// <param name="inner">The verifier to run.</param>
    /// <param name="retries">Attempts after the first (0: one attempt only).</param>
    /// <param name="attemptTimeout">Longest one attempt may take before it counts as a machinery failure.</param>
    /// <param name="warn">Receives one line per failed attempt, naming the problem, the attempt and the reason.</param>
    public RetryingVerifier(IVerifier inner, int retries, TimeSpan attemptTimeout, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(warn);
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(attemptTimeout, TimeSpan.Zero);
        _inner = inner;
        _attempts = retries + 1;
        _attemptTimeout = attemptTimeout;
        _warn = warn;
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; that is the caller stopping, not a machinery failure.</exception>
    public async ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var reason = "";
        for (var attempt = 1; attempt <= _attempts; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_attemptTimeout);
            try
            {
                var result = await _inner.VerifyAsync(problem, completion, timeout.Token).ConfigureAwait(false);
                if (result.Verdict != Verdict.SandboxError) return result;
                reason = result.Reason;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                reason = e is OperationCanceledException && timeout.IsCancellationRequested
                    ? $"no verdict within {_attemptTimeout.TotalSeconds:0.###} s"
                    : $"{e.GetType().Name}: {e.Message}";
            }
            _warn(attempt < _attempts
                ? $"verification of {problem.Id} failed in the verifier machinery (attempt {attempt} of {_attempts}): {reason}; trying again on a fresh sandbox"
                : $"verification of {problem.Id} failed in the verifier machinery (attempt {attempt} of {_attempts}): {reason}; giving up, the sample stays unscored");
        }
        return new VerificationResult(Verdict.SandboxError, $"the verifier machinery failed {_attempts} times; last: {reason}", null);
    }
}
