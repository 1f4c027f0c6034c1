namespace ReSTEM.Model;

/// <summary>
/// A share of a policy held by <see cref="ResidentPolicies"/>: use <see cref="Policy"/> until
/// disposed, and never dispose the policy itself. Disposing twice gives back one lease.
/// </summary>
public sealed class PolicyLease : IDisposable
{
    private readonly ResidentPolicies _owner;
    private readonly ResidentPolicies.Entry _entry;
    private int _returned;

    internal PolicyLease(ResidentPolicies owner, ResidentPolicies.Entry entry)
    {
        _owner = owner;
        _entry = entry;
    }

    /// <summary>The shared policy, loaded for inference.</summary>
    public Policy Policy => _entry.Policy.Value;

    /// <summary>The checkpoint's id.</summary>
    public string CheckpointId => _entry.Key.CheckpointId;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) _owner.Return(_entry);
    }
}
