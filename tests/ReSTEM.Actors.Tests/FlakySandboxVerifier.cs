using System.Collections.Concurrent;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>
/// A verifier whose machinery fails on purpose, as a sandbox that cannot fork does: it answers
/// <see cref="Verdict.SandboxError"/> instead of a verdict. Where it does not fail, it grades like
/// <see cref="ExactAnswerVerifier"/>. Three kinds of failure, each counted:
/// transient (the first call for each distinct completion of a problem fails once, so a retry
/// on a fresh call succeeds), persistent (the first <c>persistentCalls</c> calls for one
/// problem all fail), and broken (every call for the problems <c>broken</c> selects fails).
/// </summary>
internal sealed class FlakySandboxVerifier(
    bool transient,
    string? persistentProblemId = null,
    int persistentCalls = 0,
    Func<string, bool>? broken = null) : IVerifier
{
    public const string Reason = "bwrap: cannot fork: Resource temporarily unavailable (scripted)";

    private readonly ConcurrentDictionary<(string, string), byte> _seen = new();
    private int _calls;
    private int _transientErrors;
    private int _persistentProblemCalls;
    private int _persistentErrors;
    private int _brokenErrors;

    public int Calls => Volatile.Read(ref _calls);

    public int TransientErrors => Volatile.Read(ref _transientErrors);

    public int PersistentErrors => Volatile.Read(ref _persistentErrors);

    public int BrokenErrors => Volatile.Read(ref _brokenErrors);

    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (broken?.Invoke(problem.Id) == true)
        {
            Interlocked.Increment(ref _brokenErrors);
            return ValueTask.FromResult(Error());
        }
        if (problem.Id == persistentProblemId && Interlocked.Increment(ref _persistentProblemCalls) <= persistentCalls)
        {
            Interlocked.Increment(ref _persistentErrors);
            return ValueTask.FromResult(Error());
        }
        if (transient && _seen.TryAdd((problem.Id, completion), 0))
        {
            Interlocked.Increment(ref _transientErrors);
            return ValueTask.FromResult(Error());
        }
        return ValueTask.FromResult(ExactAnswerVerifier.Check(problem, completion));
    }

    private static VerificationResult Error() => new(Verdict.SandboxError, Reason, null);
}
