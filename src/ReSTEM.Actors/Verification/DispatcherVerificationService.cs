using Akka.Actor;
using ReSTEM.Core.Problems;

namespace ReSTEM.Actors.Verification;

/// <summary>Verifies by asking the <see cref="VerificationDispatcher"/>, so every verification goes through the one pool.</summary>
public sealed class DispatcherVerificationService : IVerificationService
{
    private readonly IActorRef _dispatcher;
    private readonly TimeSpan _timeout;

    /// <summary>
    /// Creates the service. <paramref name="timeout"/> bounds one verification including its wait
    /// in the queue; it is a safety net against a lost dispatcher, not the sandbox's limit.
    /// </summary>
    public DispatcherVerificationService(IActorRef dispatcher, int parallelism, TimeSpan timeout)
    {
        _dispatcher = dispatcher;
        Parallelism = parallelism;
        _timeout = timeout;
    }

    /// <inheritdoc />
    public int Parallelism { get; }

    /// <inheritdoc />
    public Task<Verified> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken) =>
        _dispatcher.Ask<Verified>(new Verify(problem, completion), _timeout, cancellationToken);
}
