using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Verification;

/// <summary>Ask the dispatcher to verify one completion; the reply is <see cref="Verified"/>.</summary>
/// <param name="Problem">The problem.</param>
/// <param name="Completion">The completion to check.</param>
public sealed record Verify(Problem Problem, string Completion);

/// <summary>The verdict of one <see cref="Verify"/>.</summary>
/// <param name="Result">Verdict, reason, extracted answer.</param>
/// <param name="VerifyMs">Wall time of the verification on the worker.</param>
/// <param name="Worker">Path of the worker that did it (local or on another node).</param>
public sealed record Verified(VerificationResult Result, float VerifyMs, string Worker);

/// <summary>A worker announces itself to the dispatcher (and is then death-watched).</summary>
/// <param name="Verifies">What its verifier checks (<see cref="VerifierIdentity"/>); a worker whose verifier is not the run's is refused.</param>
public sealed record RegisterWorker(string Verifies);

/// <summary>The dispatcher gives this worker no job: its verifier is not the run's.</summary>
/// <param name="Reason">What differs, and what to do about it.</param>
public sealed record WorkerRefused(string Reason);

/// <summary>A worker is free and pulls one job.</summary>
public sealed record RequestWork
{
    /// <summary>The only instance.</summary>
    public static RequestWork Instance { get; } = new();

    private RequestWork()
    {
    }
}

/// <summary>One job handed to a worker.</summary>
/// <param name="JobId">The dispatcher's identifier of the job.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Completion">The completion.</param>
public sealed record WorkItem(long JobId, Problem Problem, string Completion);

/// <summary>A worker finished a job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Result">Its verdict.</param>
/// <param name="VerifyMs">Wall time.</param>
public sealed record WorkDone(long JobId, VerificationResult Result, float VerifyMs);

/// <summary>Ask the dispatcher for its counters; the reply is <see cref="DispatcherStatus"/>.</summary>
public sealed record GetDispatcherStatus
{
    /// <summary>The only instance.</summary>
    public static GetDispatcherStatus Instance { get; } = new();

    private GetDispatcherStatus()
    {
    }
}

/// <summary>The dispatcher's counters.</summary>
/// <param name="Workers">Registered live workers.</param>
/// <param name="Queued">Jobs waiting for a worker.</param>
/// <param name="InFlight">Jobs a worker is running.</param>
/// <param name="Completed">Jobs answered since start.</param>
/// <param name="Requeued">Jobs given to another worker because theirs died.</param>
public sealed record DispatcherStatus(int Workers, int Queued, int InFlight, long Completed, long Requeued);
