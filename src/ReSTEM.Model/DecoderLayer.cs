using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ReSTEM.Model;

/// <summary>
/// One pre-norm decoder block: RMSNorm, grouped-query attention with RoPE, RMSNorm, SwiGLU.
/// The query/key/value projections are stored fused in one matrix (and gate/up in another) so a
/// step issues one matrix product where HF issues three; <see cref="DecoderModel"/> maps them to
/// and from the HF tensor names.
/// </summary>
internal sealed class DecoderLayer : nn.Module
{
    private readonly Precision _precision;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _intermediate;
    private readonly double _eps;

    public DecoderLayer(Precision precision, ModelConfig config, Device device, ScalarType weightType) : base("layer")
    {
        _precision = precision;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.EffectiveHeadDim;
        _intermediate = config.IntermediateSize;
        _eps = config.RmsNormEps;
        var hidden = config.HiddenSize;
        var qkvRows = (_heads + 2 * _kvHeads) * _headDim;

        InputNorm = Param(ones(hidden, weightType, device));
        QkvWeight = Param(empty(qkvRows, hidden, weightType, device));
        QkvBias = config.AttentionBias ? Param(zeros(qkvRows, weightType, device)) : null;
        OutWeight = Param(empty(hidden, _heads * _headDim, weightType, device));
        OutBias = config.OutputProjectionBias ? Param(zeros(hidden, weightType, device)) : null;
        PostNorm = Param(ones(hidden, weightType, device));
        GateUpWeight = Param(empty(2 * _intermediate, hidden, weightType, device));
        DownWeight = Param(empty(hidden, _intermediate, weightType, device));

        register_parameter("input_layernorm", InputNorm);
        register_parameter("qkv_proj", QkvWeight);
        if (QkvBias is not null) register_parameter("qkv_bias", QkvBias);
        register_parameter("o_proj", OutWeight);
        if (OutBias is not null) register_parameter("o_bias", OutBias);
        register_parameter("post_attention_layernorm", PostNorm);
        register_parameter("gate_up_proj", GateUpWeight);
        register_parameter("down_proj", DownWeight);
    }

    public Parameter InputNorm { get; }
    public Parameter QkvWeight { get; }
    public Parameter? QkvBias { get; }
    public Parameter OutWeight { get; }
    public Parameter? OutBias { get; }
    public Parameter PostNorm { get; }
    public Parameter GateUpWeight { get; }
    public Parameter DownWeight { get; }

    public int QueryRows => _heads * _headDim;
    public int KvRows => _kvHeads * _headDim;
    public int Intermediate => _intermediate;

    /// <summary>
    /// Causal self-attention over the whole of <paramref name="x"/> [B, T, D] at positions 0..T-1
    /// (training, parity checks, prefill), with RoPE tables shaped [1, T, 1, headDim]. When <paramref name="keys"/> is given, the layer's
    /// rotated keys and values [B, kvHeads, T, headDim] are added to it (the prefill's cache).
    /// </summary>
    public Tensor ForwardFull(Tensor x, Tensor cos, Tensor sinSigned, List<(Tensor Keys, Tensor Values)>? keys)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        var qkv = Project(RmsNorm(x, InputNorm), b, t);
        var (q, k, v) = SplitRotated(qkv, cos, sinSigned);
        keys?.Add((k, v));
        var group = _heads / _kvHeads;
        if (group > 1)
        {
            k = k.unsqueeze(2).expand(b, _kvHeads, group, t, _headDim).reshape(b, _heads, t, _headDim);
            v = v.unsqueeze(2).expand(b, _kvHeads, group, t, _headDim).reshape(b, _heads, t, _headDim);
        }
        var attended = F.scaled_dot_product_attention(q, k, v, null, 0.0, true);
        var h = x + Linear(attended.transpose(1, 2).reshape(b, t, _heads * _headDim), OutWeight, OutBias);
        return h + Mlp(RmsNorm(h, PostNorm));
    }

    /// <summary>
    /// One decode step for every slot of the cache: <paramref name="x"/> [B, 1, D]
    /// holds each slot's newest token, written to the cache (<paramref name="cacheKeys"/>, <paramref name="cacheValues"/>) at the slot's own position, then
    /// attended over the cache's first <paramref name="span"/> positions under <paramref name="mask"/> [B, 1, 1, span];
    /// RoPE tables are shaped [B, 1, 1, headDim].
    /// </summary>
    public Tensor ForwardStep(Tensor x, Tensor cos, Tensor sinSigned, Tensor writeIndex, Tensor mask, Tensor cacheKeys, Tensor cacheValues, long span)
    {
        var b = x.shape[0];
        var qkv = Project(RmsNorm(x, InputNorm), b, 1);
        var (q, k, v) = SplitRotated(qkv, cos, sinSigned);
        cacheKeys.scatter_(2, writeIndex, k);
        cacheValues.scatter_(2, writeIndex, v);
        // The query heads of one key/value group attend as extra query rows of that group, so
        // grouped-query attention reads the cache as it is, without repeating it per head.
        var grouped = q.reshape(b, _kvHeads, _heads / _kvHeads, _headDim);
        var attended = F.scaled_dot_product_attention(
            grouped, cacheKeys.narrow(2, 0, span), cacheValues.narrow(2, 0, span), mask, 0.0, false);
        var h = x + Linear(attended.reshape(b, 1, _heads * _headDim), OutWeight, OutBias);
        return h + Mlp(RmsNorm(h, PostNorm));
    }

    private Tensor Project(Tensor normed, long b, long t) =>
        Linear(normed, QkvWeight, QkvBias).view(b, t, _heads + 2 * _kvHeads, _headDim);

    private (Tensor Q, Tensor K, Tensor V) SplitRotated(Tensor qkv, Tensor cos, Tensor sinSigned)
    {
        // Rotate queries and keys together: x*cos + rotate_half(x)*sin, where rotate_half is a roll
        // by half the head and the sign of its first half is folded into sinSigned.
        var qk = qkv.narrow(2, 0, _heads + _kvHeads);
        var rotated = qk * cos + qk.roll(_headDim / 2, -1) * sinSigned;
        var q = rotated.narrow(2, 0, _heads).transpose(1, 2);
        var k = rotated.narrow(2, _heads, _kvHeads).transpose(1, 2);
        var v = qkv.narrow(2, _heads + _kvHeads, _kvHeads).transpose(1, 2);
        return (q, k, v);
    }

    private Tensor Mlp(Tensor x)
    {
        var gateUp = Linear(x, GateUpWeight, null);
        var gate = gateUp.narrow(-1, 0, _intermediate);
        var up = gateUp.narrow(-1, _intermediate, _intermediate);
        return Linear(F.silu(gate) * up, DownWeight, null);
    }

    private Tensor Linear(Tensor x, Parameter weight, Parameter? bias) =>
        F.linear(x, _precision.Weight(weight), bias is null ? null : _precision.Weight(bias));

    private Tensor RmsNorm(Tensor x, Parameter weight) => _precision.RmsNorm(x, weight, _eps);

    private static Parameter Param(Tensor t) => new(t, requires_grad: t.dtype == ScalarType.Float32);
}
