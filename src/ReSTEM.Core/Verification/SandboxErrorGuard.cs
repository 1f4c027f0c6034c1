namespace ReSTEM.Core.Verification;

/// <summary>
/// Decides when verifications that still end in <see cref="Verdict.SandboxError"/> after their
/// retries mean the verifier machinery itself is broken. One such sample only leaves its problem
/// unsealed for another pass; but a run whose sandbox cannot fork at all would otherwise draw
/// every problem again and again. The bound counts errors IN A ROW, so a few problems with broken
/// test data (whose every sample errs) do not stop a healthy run, while a broken sandbox, whose
/// every verification errs, stops it after <see cref="MaxConsecutive"/> samples.
/// Thread-safe: the E-step's stream records while the coordinator reads between passes.
/// </summary>
public sealed class SandboxErrorGuard
{
    private readonly object _gate = new();
    private readonly HashSet<string> _problems = new(StringComparer.Ordinal);
    private int _consecutive;
    private int _total;
    private string? _lastProblemId;
    private string? _lastReason;

    /// <summary>Creates a guard that trips at the <paramref name="maxConsecutive"/>-th sandbox error in a row.</summary>
    public SandboxErrorGuard(int maxConsecutive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConsecutive, 1);
        MaxConsecutive = maxConsecutive;
    }

    /// <summary>Sandbox errors in a row that stop the run.</summary>
    public int MaxConsecutive { get; }

    /// <summary>Sandbox errors since the last verification that gave a verdict.</summary>
    public int Consecutive
    {
        get
        {
            lock (_gate) return _consecutive;
        }
    }

    /// <summary>Sandbox errors recorded in all.</summary>
    public int Total
    {
        get
        {
            lock (_gate) return _total;
        }
    }

    /// <summary>
    /// Records the final result of one sample's verification (after its retries); true when it
    /// is a sandbox error and the <see cref="MaxConsecutive"/>-th in a row (the run must stop).
    /// </summary>
    public bool Record(string problemId, VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(problemId);
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            if (result.Verdict != Verdict.SandboxError)
            {
                _consecutive = 0;
                return false;
            }
            _consecutive++;
            _total++;
            _problems.Add(problemId);
            _lastProblemId = problemId;
            _lastReason = result.Reason;
            return _consecutive >= MaxConsecutive;
        }
    }

    /// <summary>Why the run stops: the count in a row, the bound and the last reason.</summary>
    public string LimitMessage()
    {
        lock (_gate)
        {
            return $"{_consecutive} verifications in a row ended in sandbox_error after their retries " +
                $"(restem.verification.max-consecutive-sandbox-errors = {MaxConsecutive}): the verifier machinery itself is failing, " +
                $"not the candidates; last, on {_lastProblemId}: {_lastReason}";
        }
    }

    /// <summary>What was recorded so far, for a progress line; null when no sandbox error was.</summary>
    public string? Summary()
    {
        lock (_gate)
        {
            return _total == 0
                ? null
                : $"{_total} samples of {_problems.Count} problems could not be verified (sandbox_error after retries); last, on {_lastProblemId}: {_lastReason}";
        }
    }
}
