using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using ReSTEM.Actors.Runs;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Verification;

/// <summary>
/// A verification worker: registers with the dispatcher, pulls one job at a time and runs it
/// through an <see cref="IVerifier"/> (math in-process; code in the sandbox). Whatever the
/// candidate does is a verdict; a failure of the verifier machinery itself (it throws, hangs, or
/// answers <see cref="Verdict.SandboxError"/>) is tried again on a fresh sandbox by
/// <see cref="RetryingVerifier"/>, with a warning per attempt, and after the last retry the
/// reply is a <see cref="Verdict.SandboxError"/> verdict with the reason, which the E-step and
/// the evaluation never score as the candidate's failure.
/// </summary>
public sealed class VerifierActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _dispatcher;
    private readonly RetryingVerifier _verifier;
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _verifies;

    /// <summary>Creates a worker that pulls from <paramref name="dispatcher"/>; <paramref name="verifies"/> is its verifier's <see cref="VerifierIdentity"/>.</summary>
    public VerifierActor(IActorRef dispatcher, IVerifier verifier, int retries, TimeSpan timeout, string verifies)
    {
        _dispatcher = dispatcher;
        _verifies = verifies;
        _verifier = new RetryingVerifier(verifier, retries, timeout, warning => _log.Warning(warning));
        Receive<WorkItem>(HandleWork);
        Receive<Finished>(HandleFinished);
        Receive<WorkerRefused>(refused =>
        {
            _log.Error("the run's dispatcher refused this worker: {0}", refused.Reason);
            Context.Parent.Tell(refused);
            Context.Stop(Self);
        });
    }

    /// <summary>Props of a worker; <paramref name="timeout"/> bounds one attempt of the verifier machinery.</summary>
    public static Props Props(IActorRef dispatcher, IVerifier verifier, int retries, TimeSpan timeout, string verifies = "") =>
        Akka.Actor.Props.Create(() => new VerifierActor(dispatcher, verifier, retries, timeout, verifies));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _dispatcher.Tell(new RegisterWorker(_verifies));
        _dispatcher.Tell(RequestWork.Instance);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void HandleWork(WorkItem item)
    {
        var replyTo = Sender;
        RunAsync(item).PipeTo(Self, success: r => new Finished(item.JobId, r.Result, r.Ms, replyTo));
    }

    private void HandleFinished(Finished finished)
    {
        finished.ReplyTo.Tell(new WorkDone(finished.JobId, finished.Result, finished.Ms));
        finished.ReplyTo.Tell(RequestWork.Instance);
    }

    private async Task<(VerificationResult Result, float Ms)> RunAsync(WorkItem item)
    {
        var watch = Stopwatch.StartNew();
        var result = await _verifier.VerifyAsync(item.Problem, item.Completion, _stopping.Token).ConfigureAwait(false);
        RunMetrics.Verified(result, watch.Elapsed.TotalMilliseconds);
        return (result, (float)watch.Elapsed.TotalMilliseconds);
    }

    private sealed record Finished(long JobId, VerificationResult Result, float Ms, IActorRef ReplyTo);
}
