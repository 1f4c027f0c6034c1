namespace ReSTEM.Host.Tasks;

/// <summary>A value (a task, a verifier) and what it holds (a sandbox, for code tasks), released together.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class Owned<T> : IAsyncDisposable
{
    private readonly IAsyncDisposable? _resources;

    /// <summary>Wraps <paramref name="value"/> and the <paramref name="resources"/> it uses.</summary>
    public Owned(T value, IAsyncDisposable? resources)
    {
        Value = value;
        _resources = resources;
    }

    /// <summary>The value.</summary>
    public T Value { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _resources?.DisposeAsync() ?? ValueTask.CompletedTask;
}
