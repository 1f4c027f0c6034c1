using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// The compute precision shared by a model and its layers: float32 master weights are cast to
/// <see cref="ComputeType"/> where they are used (as autocast does), or read from frozen copies
/// made once for inference; weights already held in the compute precision are used as they are.
/// </summary>
internal sealed class Precision : IDisposable
{
    private Dictionary<Tensor, Tensor>? _frozen;

    public ScalarType ComputeType { get; set; } = ScalarType.Float32;

    public Tensor Weight(Parameter p)
    {
        if (_frozen is not null && _frozen.TryGetValue(p, out var frozen)) return frozen;
        return p.dtype == ComputeType ? p : p.to(ComputeType);
    }

    public void Freeze(IEnumerable<Parameter> parameters)
    {
        Release();
        if (ComputeType == ScalarType.Float32) return;
        var cast = parameters.Where(p => p.dtype != ComputeType).ToList();
        if (cast.Count == 0) return;
        using var noGrad = no_grad();
        _frozen = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in cast) _frozen[p] = p.detach().to(ComputeType).DetachFromDisposeScope();
    }

    public void Release()
    {
        if (_frozen is null) return;
        foreach (var t in _frozen.Values) t.Dispose();
        _frozen = null;
    }

    /// <summary>RMSNorm as HF computes it: normalise in float32, cast back, then scale.</summary>
    public Tensor RmsNorm(Tensor x, Parameter weight, double eps)
    {
        var x32 = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var normed = x32 * x32.pow(2).mean([-1], keepdim: true).add_(eps).rsqrt_();
        return Weight(weight) * (ComputeType == ScalarType.Float32 ? normed : normed.to(ComputeType));
    }

    public void Dispose() => Release();
}
