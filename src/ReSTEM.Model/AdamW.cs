using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// AdamW over float32 parameters with float32 state and decoupled weight decay on matrices only
/// (norm gains and biases are not decayed), plus global-norm clipping, all without host
/// synchronisation. The parameters of each group are rebound to views of one flat buffer, so an
/// update is a dozen kernels over two buffers instead of a dozen per parameter (what PyTorch's
/// fused AdamW buys, and what matters on a GPU with hundreds of parameters).
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly Group[] _groups;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _eps;
    private readonly double _weightDecay;
    private readonly Tensor _gradNorm;
    private int _t;

    public AdamW(IEnumerable<Parameter> parameters, double beta1, double beta2, double weightDecay, double eps = 1e-8)
    {
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _weightDecay = weightDecay;
        var all = parameters.ToArray();
        _groups = new[] { true, false }
            .Select(decay => (decay, members: all.Where(p => p.dim() >= 2 == decay).ToArray()))
            .Where(g => g.members.Length > 0)
            .Select(g => new Group(g.members, g.decay))
            .ToArray();
        _gradNorm = zeros([], ScalarType.Float32, all.Length > 0 ? all[0].device : CPU);
    }

    /// <summary>
    /// The global gradient norm of the latest step, before clipping: a scalar on the device, so
    /// the step never waits for it; read it where the host synchronises anyway.
    /// </summary>
    public Tensor GradNorm => _gradNorm;

    public IEnumerable<(Parameter Param, bool Decay)> Groups => _groups.SelectMany(g => g.Members.Select(p => (p, g.Decay)));

    /// <summary>
    /// Gathers the parameters' gradients into the flat buffers, scales them so their global norm
    /// is at most <paramref name="maxNorm"/> (0: no clipping), then applies one AdamW step.
    /// </summary>
    public void Step(double lr, double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var g in _groups) g.GatherGradients();
        var norm = _groups.Length == 1
            ? _groups[0].Grad.norm()
            : stack(_groups.Select(g => g.Grad.norm()).ToArray()).norm();
        _gradNorm.copy_(norm);
        if (maxNorm > 0)
        {
            var scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);
            foreach (var g in _groups) g.Grad.mul_(scale);
        }

        _t++;
        var bc1 = 1 - Math.Pow(_beta1, _t);
        var bc2 = 1 - Math.Pow(_beta2, _t);
        foreach (var g in _groups)
        {
            g.M.mul_(_beta1).add_(g.Grad, alpha: 1 - _beta1);
            g.V.mul_(_beta2).addcmul_(g.Grad, g.Grad, value: 1 - _beta2);
            if (g.Decay && _weightDecay > 0) g.Flat.mul_(1 - lr * _weightDecay);
            var denom = (g.V.sqrt() / Math.Sqrt(bc2)).add_(_eps);
            g.Flat.addcdiv_(g.M, denom, value: -lr / bc1);
        }
    }

    public void Dispose()
    {
        foreach (var g in _groups) g.Dispose();
        _gradNorm.Dispose();
    }

    private sealed class Group : IDisposable
    {
        public Group(Parameter[] members, bool decay)
        {
            Members = members;
            Decay = decay;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Flat = cat(members.Select(p => p.detach().reshape(-1)).ToArray()).DetachFromDisposeScope();
            long offset = 0;
            foreach (var p in members)
            {
                var n = p.NumberOfElements;
                // The parameter now lives in the flat buffer; the model keeps the same Parameter object.
                p.set_(Flat.narrow(0, offset, n).view(p.shape));
                offset += n;
            }
            Grad = zeros_like(Flat).DetachFromDisposeScope();
            M = zeros_like(Flat).DetachFromDisposeScope();
            V = zeros_like(Flat).DetachFromDisposeScope();
        }

        public Parameter[] Members { get; }

        public bool Decay { get; }

        public Tensor Flat { get; }

        public Tensor Grad { get; }

        public Tensor M { get; }

        public Tensor V { get; }

        public void GatherGradients()
        {
            long offset = 0;
            foreach (var p in Members)
            {
                var n = p.NumberOfElements;
                var slot = Grad.narrow(0, offset, n);
                if (p.grad is { } g) slot.copy_(g.reshape(-1));
                else slot.zero_();
                offset += n;
            }
        }

        public void Dispose()
        {
            Flat.Dispose();
            Grad.Dispose();
            M.Dispose();
            V.Dispose();
        }
    }
}
