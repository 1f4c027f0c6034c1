namespace ReSTEM.Model;

/// <summary>
/// A share of a policy held by <see cref="ResidentPolicies"/>: use <see cref="Policy"/> until
/// disposed, and never dispose the policy itself. Disposing twice gives back one lease.
/// </summary>
public sealed class PolicyLease : IDisposable
{
    private readonly ResidentPolicies _owner;
    private readonly ResidentPolicies.Key _key;
    private readonly ResidentPolicies.Entry _entry;
    private int _returned;

    internal PolicyLease(ResidentPolicies owner, ResidentPolicies.Key key, ResidentPolicies.Entry entry, Policy policy, string checkpointId)
    {
        _owner = owner;
        _key = key;
        _entry = entry;
        Policy = policy;
        CheckpointId = checkpointId;
    }

    /// <summary>The shared policy, loaded for inference.</summary>
    public Policy Policy { get; }

    /// <summary>The checkpoint's id.</summary>
    public string CheckpointId { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) _owner.Return(_key, _entry);
    }
}
