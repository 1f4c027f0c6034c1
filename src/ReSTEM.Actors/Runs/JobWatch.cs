namespace ReSTEM.Actors.Runs;

/// <summary>
/// The supervision of one long job (an M-step, an evaluation) by whoever waits for its result.
/// A job can take hours, so its result has no deadline; what is bounded is silence and loss:
/// status checks that go unanswered <see cref="MaxMisses"/> times in a row fail the run, and a
/// result that was lost (the worker says it runs nothing while the result never came) sends the
/// job again, <see cref="MaxAttempts"/> times in all at most. The owner asks its worker for a
/// <see cref="JobStatus"/> whenever <see cref="Check"/> says so and hands every answer to
/// <see cref="Observe"/>.
/// </summary>
public sealed class JobWatch
{
    private bool _awaitingStatus;
    private TimeSpan? _lastCounted;

    /// <summary>
    /// Starts watching the job of <paramref name="iteration"/> (already sent once) on the worker
    /// named <paramref name="worker"/>, checked every <paramref name="interval"/>.
    /// </summary>
    public JobWatch(string worker, int iteration, int maxMisses, int maxAttempts, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMisses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
        Worker = worker;
        Iteration = iteration;
        MaxMisses = maxMisses;
        MaxAttempts = maxAttempts;
    }

    /// <summary>How often the owner checks.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The worker's name, for messages.</summary>
    public string Worker { get; }

    /// <summary>The iteration whose job is watched.</summary>
    public int Iteration { get; }

    /// <summary>Unanswered status checks in a row that fail the run.</summary>
    public int MaxMisses { get; }

    /// <summary>Times the job may be sent in all.</summary>
    public int MaxAttempts { get; }

    /// <summary>Times the job was sent so far.</summary>
    public int Attempts { get; private set; } = 1;

    /// <summary>Unanswered status checks in a row so far.</summary>
    public int Misses { get; private set; }

    /// <summary>
    /// A check is due at <paramref name="now"/> (a monotonic clock of the owner): null means "ask
    /// the worker for its status now"; otherwise the reason the run fails.
    /// </summary>
    public string? Check(TimeSpan now)
    {
        // A check less than most of an interval after the last counted one is a queued-up timer, not new silence.
        if (_lastCounted is { } last && now - last < Interval * 0.75) return null;
        _lastCounted = now;
        if (_awaitingStatus && ++Misses >= MaxMisses)
            return $"the {Worker} has not answered {Misses} status checks in a row, {Misses * Interval.TotalSeconds:0.##} s, while running the job of iteration {Iteration}";
        _awaitingStatus = true;
        return null;
    }

    /// <summary>What to do about the worker's answer.</summary>
    public JobVerdict Observe(JobStatus status)
    {
        _awaitingStatus = false;
        Misses = 0;
        if (status.Running == Iteration) return JobVerdict.Running;
        if (status.Running is { } other)
            return JobVerdict.Fail($"the {Worker} runs the job of iteration {other} while the run waits for iteration {Iteration}");
        if (Attempts >= MaxAttempts)
            return JobVerdict.Fail($"the result of the {Worker}'s job for iteration {Iteration} was lost {Attempts} times");
        Attempts++;
        return JobVerdict.Resend($"iteration {Iteration}: the {Worker} is idle but its result never arrived; sending the job again (attempt {Attempts} of {MaxAttempts})");
    }
}

/// <summary>What a <see cref="JobWatch"/> makes of a status answer.</summary>
/// <param name="Action">Carry on waiting, send the job again, or fail the run.</param>
/// <param name="Reason">Why (for a resend or a failure).</param>
public sealed record JobVerdict(JobAction Action, string Reason)
{
    /// <summary>The job still runs.</summary>
    public static JobVerdict Running { get; } = new(JobAction.Wait, "");

    /// <summary>Send the job again.</summary>
    public static JobVerdict Resend(string reason) => new(JobAction.Resend, reason);

    /// <summary>Fail the run.</summary>
    public static JobVerdict Fail(string reason) => new(JobAction.Fail, reason);
}

/// <summary>What the owner of a watched job does next.</summary>
public enum JobAction
{
    /// <summary>Keep waiting for the result.</summary>
    Wait,

    /// <summary>The result was lost: send the job again.</summary>
    Resend,

    /// <summary>Give up: the run fails with the reason.</summary>
    Fail,
}
