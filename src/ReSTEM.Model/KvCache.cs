using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// The key/value cache of a batch of decode slots, allocated once per generation call with static
/// shapes [slots, kvHeads, capacity, headDim] per layer and updated in place.
/// </summary>
internal sealed class KvCache : IDisposable
{
    public KvCache(ModelConfig config, long slots, long capacity, ScalarType dtype, Device device)
    {
        Slots = slots;
        Capacity = capacity;
        var shape = new[] { slots, config.NumKeyValueHeads, capacity, config.EffectiveHeadDim };
        Keys = Enumerable.Range(0, config.NumHiddenLayers).Select(_ => zeros(shape, dtype, device).DetachFromDisposeScope()).ToArray();
        Values = Enumerable.Range(0, config.NumHiddenLayers).Select(_ => zeros(shape, dtype, device).DetachFromDisposeScope()).ToArray();
    }

    private KvCache(Tensor[] keys, Tensor[] values, long capacity)
    {
        Keys = keys;
        Values = values;
        Slots = keys[0].shape[0];
        Capacity = capacity;
    }

    public long Slots { get; }

    public long Capacity { get; }

    public Tensor[] Keys { get; }

    public Tensor[] Values { get; }

    /// <summary>Writes the first <c>length</c> positions of prefilled keys/values (rows <paramref name="sourceRows"/>) into <paramref name="slots"/>.</summary>
    public void Fill(Tensor slots, IReadOnlyList<(Tensor Keys, Tensor Values)> prefill, Tensor sourceRows)
    {
        for (var i = 0; i < Keys.Length; i++)
        {
            var (k, v) = prefill[i];
            var length = k.shape[2];
            Keys[i].narrow(2, 0, length).index_copy_(0, slots, k.index_select(0, sourceRows));
            Values[i].narrow(2, 0, length).index_copy_(0, slots, v.index_select(0, sourceRows));
        }
    }

    /// <summary>A new cache holding only the given slots' rows, in that order.</summary>
    public KvCache Select(Tensor slots) => new(
        Keys.Select(k => k.index_select(0, slots).DetachFromDisposeScope()).ToArray(),
        Values.Select(v => v.index_select(0, slots).DetachFromDisposeScope()).ToArray(),
        Capacity);

    public void Dispose()
    {
        foreach (var t in Keys) t.Dispose();
        foreach (var t in Values) t.Dispose();
    }
}
