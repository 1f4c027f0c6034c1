using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// AdamW over float32 parameters with float32 state, decoupled weight decay on matrices only
/// (norm gains and biases are not decayed), and global-norm clipping done on the device.
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly (Parameter Param, Tensor M, Tensor V, bool Decay)[] _state;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _eps;
    private readonly double _weightDecay;
    private int _t;

    public AdamW(IEnumerable<Parameter> parameters, double beta1, double beta2, double weightDecay, double eps = 1e-8)
    {
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _weightDecay = weightDecay;
        _state = parameters
            .Select(p => (p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope(), p.dim() >= 2))
            .ToArray();
    }

    public IEnumerable<(Parameter Param, bool Decay)> Groups => _state.Select(s => (s.Param, s.Decay));

    /// <summary>Scales gradients so their global norm is at most <paramref name="maxNorm"/>; returns the norm before (a device scalar).</summary>
    public Tensor ClipGradients(double maxNorm)
    {
        using var noGrad = no_grad();
        var grads = _state.Where(s => s.Param.grad is not null).Select(s => s.Param.grad!).ToArray();
        if (grads.Length == 0) return zeros(1);
        var norm = stack(grads.Select(g => g.norm()).ToArray()).norm();
        if (maxNorm > 0)
        {
            var scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);
            foreach (var g in grads) g.mul_(scale);
        }
        return norm;
    }

    public void Step(double lr)
    {
        using var noGrad = no_grad();
        _t++;
        var bc1 = 1 - Math.Pow(_beta1, _t);
        var bc2 = 1 - Math.Pow(_beta2, _t);
        foreach (var (p, m, v, decay) in _state)
        {
            using var scope = NewDisposeScope();
            var g = p.grad;
            if (g is null) continue;
            m.mul_(_beta1).add_(g, alpha: 1 - _beta1);
            v.mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            if (decay && _weightDecay > 0) p.mul_(1 - lr * _weightDecay);
            var denom = (v.sqrt() / Math.Sqrt(bc2)).add_(_eps);
            p.addcdiv_(m, denom, value: -lr / bc1);
        }
    }

    public void Dispose()
    {
        foreach (var (_, m, v, _) in _state)
        {
            m.Dispose();
            v.Dispose();
        }
    }
}
