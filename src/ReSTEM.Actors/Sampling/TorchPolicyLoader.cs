using ReSTEM.Core.Sampling;
using ReSTEM.Model;

namespace ReSTEM.Actors.Sampling;

/// <summary>Loads checkpoints into the TorchSharp decoder on the run's device.</summary>
public sealed class TorchPolicyLoader : IPolicyLoader
{
    private readonly DeviceOptions _device;
    private readonly GeneratorOptions _generator;

    /// <summary>Creates a loader for <paramref name="device"/> with generation settings <paramref name="generator"/>.</summary>
    public TorchPolicyLoader(DeviceOptions device, GeneratorOptions generator)
    {
        _device = device;
        _generator = generator;
    }

    /// <inheritdoc />
    public ILoadedPolicy Load(string checkpointDir, string checkpointId)
    {
        var policy = Policy.Load(checkpointDir, _device);
        return new Loaded(policy, new Generator(policy, _generator, checkpointId));
    }

    private sealed class Loaded(Policy policy, Generator generator) : ILoadedPolicy
    {
        public ICompletionGenerator Generator => generator;

        public void Dispose() => policy.Dispose();
    }
}
