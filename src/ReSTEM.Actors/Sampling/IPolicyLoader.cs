using ReSTEM.Core.Sampling;

namespace ReSTEM.Actors.Sampling;

/// <summary>Loads a checkpoint folder as a generator (the sampler's and evaluator's view of a model).</summary>
public interface IPolicyLoader
{
    /// <summary>Loads <paramref name="checkpointDir"/>; the caller disposes the result.</summary>
    ILoadedPolicy Load(string checkpointDir, string checkpointId);
}

/// <summary>A loaded policy: its generator, and the native memory it holds until disposed.</summary>
public interface ILoadedPolicy : IDisposable
{
    /// <summary>The generator of the loaded weights.</summary>
    ICompletionGenerator Generator { get; }
}
