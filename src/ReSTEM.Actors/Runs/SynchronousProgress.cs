namespace ReSTEM.Actors.Runs;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, unlike
/// <see cref="Progress{T}"/>, which posts to a synchronization context or the thread pool and
/// may deliver reports late or out of order.
/// </summary>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates a progress that calls <paramref name="handler"/>.</summary>
    public SynchronousProgress(Action<T> handler)
    {
        _handler = handler;
    }

    /// <inheritdoc />
    public void Report(T value) => _handler(value);
}
