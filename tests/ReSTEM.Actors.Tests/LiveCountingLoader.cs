using ReSTEM.Actors.Sampling;
using ReSTEM.Core.Sampling;

namespace ReSTEM.Actors.Tests;

/// <summary>Wraps a loader and counts the policies loaded and not yet disposed: the copies a run holds.</summary>
internal sealed class LiveCountingLoader(IPolicyLoader inner) : IPolicyLoader
{
    private int _live;
    private int _loads;

    public int Live => Volatile.Read(ref _live);

    public int Loads => Volatile.Read(ref _loads);

    public ILoadedPolicy Load(string checkpointDir, string checkpointId)
    {
        var loaded = inner.Load(checkpointDir, checkpointId);
        Interlocked.Increment(ref _loads);
        Interlocked.Increment(ref _live);
        return new Counted(this, loaded);
    }

    private sealed class Counted(LiveCountingLoader owner, ILoadedPolicy loaded) : ILoadedPolicy
    {
        private int _disposed;

        public ICompletionGenerator Generator => loaded.Generator;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            loaded.Dispose();
            Interlocked.Decrement(ref owner._live);
        }
    }
}
