namespace ReSTEM.Model;

/// <summary>
/// One copy of a policy's weights per device: the samplers and the evaluator of a process that
/// ask for the same checkpoint on the same device share one <see cref="Policy"/> loaded for
/// inference (<see cref="Policy.LoadForInference"/>), handed out as <see cref="PolicyLease"/>s and
/// counted; the last lease's <see cref="PolicyLease.Dispose"/> frees the weights. Thread-safe:
/// leases are taken and returned on the threads that run the work, and concurrent requests for
/// one key load it once.
/// </summary>
/// <remarks>
/// Freed weights go back to libtorch's caching allocator, not to the driver: TorchSharp 0.107 has
/// no <c>torch.cuda.empty_cache</c>. The memory is reused by whatever the process allocates next
/// on that device (the trainer's master weights and optimizer state), so it is free for this
/// process though <c>nvidia-smi</c> still counts it.
/// </remarks>
public sealed class ResidentPolicies
{
    private readonly Func<string, ResolvedDevice, Policy> _load;
    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>A registry that loads with <see cref="Policy.LoadForInference"/>.</summary>
    public ResidentPolicies()
        : this((dir, device) => Policy.LoadOn(dir, device, inferenceOnly: true, withDigest: false))
    {
    }

    /// <summary>A registry that loads with <paramref name="load"/> (tests count the loads).</summary>
    internal ResidentPolicies(Func<string, ResolvedDevice, Policy> load) => _load = load;

    /// <summary>The number of policies whose weights are resident now.</summary>
    public int Resident
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>
    /// A lease on checkpoint <paramref name="checkpointId"/> in <paramref name="checkpointDir"/> on
    /// <paramref name="device"/>: the resident policy when one is held for the same device, compute
    /// precision, folder and id, else a new load (which the caller's thread waits for). A failed load
    /// throws and leaves nothing resident; the next request loads again.
    /// </summary>
    public PolicyLease Acquire(string checkpointDir, string checkpointId, DeviceOptions device)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointDir);
        ArgumentException.ThrowIfNullOrEmpty(checkpointId);
        var resolved = DeviceResolver.Resolve(device);
        var key = new Key(resolved.Device.ToString(), resolved.ComputeType.ToString(), Path.GetFullPath(checkpointDir), checkpointId);
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(key, new Lazy<Policy>(() => _load(key.Dir, resolved), LazyThreadSafetyMode.ExecutionAndPublication));
                _entries[key] = entry;
            }
            entry.Leases++;
        }
        try
        {
            // The load happens (or is waited for) here, so a failed one gives its lease back below.
            _ = entry.Policy.Value;
            return new PolicyLease(this, entry);
        }
        catch
        {
            Return(entry);
            throw;
        }
    }

    /// <summary>Gives one lease back; the last one frees the weights.</summary>
    internal void Return(Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Leases > 0) return;
            // The entry leaves the registry before its weights are freed, under the lock, so a new
            // request for the same key loads only after this copy is gone: never two at once.
            if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry)) _entries.Remove(entry.Key);
            if (entry.Policy.IsValueCreated) entry.Policy.Value.Dispose();
        }
    }

    /// <summary>What a resident policy is kept under.</summary>
    internal sealed record Key(string Device, string ComputeType, string Dir, string CheckpointId);

    /// <summary>A resident (or loading) policy and its lease count.</summary>
    internal sealed class Entry(Key key, Lazy<Policy> policy)
    {
        public Key Key { get; } = key;

        public Lazy<Policy> Policy { get; } = policy;

        public int Leases { get; set; }
    }
}
