using ReSTEM.Core.Sampling;
using ReSTEM.Model;

namespace ReSTEM.Actors.Sampling;

/// <summary>
/// Loads checkpoints into the TorchSharp decoder on the run's device, for inference only, and
/// shares them: every sampler and the evaluator that ask for the same checkpoint hold leases on
/// one copy of its weights (<see cref="ResidentPolicies"/>), each with its own generator.
/// </summary>
public sealed class TorchPolicyLoader : IPolicyLoader
{
    private readonly DeviceOptions _device;
    private readonly GeneratorOptions _generator;
    private readonly ResidentPolicies _resident;

    /// <summary>
    /// Creates a loader for <paramref name="device"/> with generation settings <paramref name="generator"/>,
    /// sharing weights through <paramref name="resident"/> (a registry of its own when null).
    /// </summary>
    public TorchPolicyLoader(DeviceOptions device, GeneratorOptions generator, ResidentPolicies? resident = null)
    {
        _device = device;
        _generator = generator;
        _resident = resident ?? new ResidentPolicies();
    }

    /// <inheritdoc />
    public ILoadedPolicy Load(string checkpointDir, string checkpointId)
    {
        var lease = _resident.Acquire(checkpointDir, checkpointId, _device);
        return new Loaded(lease, new Generator(lease.Policy, _generator, checkpointId));
    }

    private sealed class Loaded(PolicyLease lease, Generator generator) : ILoadedPolicy
    {
        public ICompletionGenerator Generator => generator;

        public void Dispose() => lease.Dispose();
    }
}
