using ReSTEM.Core.Verification;

namespace ReSTEM.Host.Tasks;

/// <summary>A verifier and what it holds (a sandbox for code tasks), released together.</summary>
public sealed class VerifierHandle : IAsyncDisposable
{
    private readonly IAsyncDisposable? _resources;

    /// <summary>Wraps <paramref name="verifier"/> and its <paramref name="resources"/>.</summary>
    public VerifierHandle(IVerifier verifier, IAsyncDisposable? resources)
    {
        Verifier = verifier;
        _resources = resources;
    }

    /// <summary>The verifier.</summary>
    public IVerifier Verifier { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _resources?.DisposeAsync() ?? ValueTask.CompletedTask;
}
