using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ReSTEM.Model;

/// <summary>
/// The one decoder-only transformer of the system (Llama / Qwen2 family): token embedding,
/// pre-norm blocks of RMSNorm + grouped-query attention with RoPE + SwiGLU, final RMSNorm, and an
/// output projection that may be tied to the embedding. The built-in CPU model and HF checkpoints
/// are instances of it. Weights are float32 (master weights), or the compute precision in a model
/// built for inference only (<see cref="WeightType"/>); <see cref="ComputeType"/> sets the
/// precision of the matrix products (bfloat16 on CUDA casts float32 weights as autocast would).
/// <see cref="forward"/> maps token ids [B, T] to logits [B, T, V].
/// </summary>
public sealed class DecoderModel : nn.Module<Tensor, Tensor>
{
    private readonly DecoderLayer[] _layers;
    private readonly Parameter _embed;
    private readonly Parameter _norm;
    private readonly Parameter? _lmHead;
    private readonly Tensor _cos;
    private readonly Tensor _sinSigned;
    private readonly Dictionary<ScalarType, (Tensor Cos, Tensor Sin)> _ropeByType = [];
    private readonly Precision _precision = new();

    /// <summary>Creates the model with uninitialised float32 weights on <paramref name="device"/>; call <see cref="InitializeRandom"/> or <see cref="LoadHfTensors"/>.</summary>
    public DecoderModel(ModelConfig config, Device device) : this(config, device, ScalarType.Float32)
    {
    }

    /// <summary>
    /// Creates the model with uninitialised weights of <paramref name="weightType"/> on <paramref name="device"/>:
    /// float32 master weights for training, or the compute precision for inference only (the weights
    /// are allocated in that precision at once, so no float32 copy is ever resident).
    /// </summary>
    public DecoderModel(ModelConfig config, Device device, ScalarType weightType) : base(Prepare("decoder"))
    {
        config.Validate();
        if (weightType is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"weights must be float32, bfloat16 or float16, got {weightType}", nameof(weightType));
        Config = config;
        Device = device;
        WeightType = weightType;
        var training = weightType == ScalarType.Float32;
        _embed = new Parameter(empty(config.VocabSize, config.HiddenSize, weightType, device), requires_grad: training);
        _norm = new Parameter(ones(config.HiddenSize, weightType, device), requires_grad: training);
        _lmHead = config.TieWordEmbeddings ? null : new Parameter(empty(config.VocabSize, config.HiddenSize, weightType, device), requires_grad: training);
        _layers = Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DecoderLayer(_precision, config, device, weightType)).ToArray();

        register_parameter("embed_tokens", _embed);
        register_module("layers", nn.ModuleList(_layers));
        register_parameter("norm", _norm);
        if (_lmHead is not null) register_parameter("lm_head", _lmHead);

        (_cos, _sinSigned) = RopeTables(config, device);
        register_buffer("rope_cos", _cos, persistent: false);
        register_buffer("rope_sin", _sinSigned, persistent: false);
    }

    private static string Prepare(string name)
    {
        LibTorch.EnsureLoaded();
        return name;
    }

    /// <summary>The configuration the model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>The device holding the weights.</summary>
    public Device Device { get; }

    /// <summary>The precision the weights are stored in: float32 (master weights) unless built for inference only.</summary>
    public ScalarType WeightType { get; }

    /// <summary>Precision of activations and matrix products.</summary>
    public ScalarType ComputeType
    {
        get => _precision.ComputeType;
        set => _precision.ComputeType = value;
    }

    /// <summary>Number of scalar weights (a tied output projection counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.NumberOfElements);

    internal IReadOnlyList<DecoderLayer> Layers => _layers;

    /// <summary>Fills the weights as HF initialises them (normal 0.02 for matrices, ones for norms, zeros for biases), from <paramref name="seed"/>.</summary>
    public void InitializeRandom(long seed)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed, CPU);
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() == 1)
            {
                if (name.EndsWith("norm", StringComparison.Ordinal)) p.fill_(1.0);
                else p.zero_();
            }
            else
            {
                p.copy_(randn(p.shape, ScalarType.Float32, CPU, false, generator).mul_(0.02));
            }
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => LmHead(Hidden(inputIds));

    /// <summary>The final normalised hidden states [B, T, D] of a causal pass over <paramref name="inputIds"/> [B, T] at positions 0..T-1.</summary>
    public Tensor Hidden(Tensor inputIds) => Hidden(inputIds, null);

    /// <summary>Logits (float32) for hidden states [..., D].</summary>
    public Tensor LmHead(Tensor hidden) => LmHeadInComputeType(hidden).to(ScalarType.Float32);

    /// <summary>Logits in the compute precision: sampling selects top-k candidates before widening, so only k values per row are cast.</summary>
    internal Tensor LmHeadInComputeType(Tensor hidden) => F.linear(hidden, Compute(_lmHead ?? _embed));

    internal Tensor Hidden(Tensor inputIds, List<(Tensor Keys, Tensor Values)>? keys)
    {
        var t = inputIds.shape[1];
        if (t > Config.MaxPositionEmbeddings) throw new ArgumentException($"sequence of {t} tokens is longer than max_position_embeddings={Config.MaxPositionEmbeddings}");
        var (cos, sin) = Rope();
        var cosT = cos.narrow(0, 0, t).view(1, t, 1, -1);
        var sinT = sin.narrow(0, 0, t).view(1, t, 1, -1);
        var x = Embed(inputIds);
        foreach (var layer in _layers) x = layer.ForwardFull(x, cosT, sinT, keys);
        return RmsNorm(x, _norm, Config.RmsNormEps);
    }

    /// <summary>
    /// The RoPE rows (cos, signed sin) in the compute precision for <paramref name="positions"/> of
    /// any shape [...], shaped [..., 1, 1, headDim] to broadcast over a step's heads.
    /// </summary>
    internal (Tensor Cos, Tensor Sin) RopeRows(Tensor positions)
    {
        var (cos, sin) = Rope();
        var shape = positions.shape.Concat(new long[] { 1, 1, -1 }).ToArray();
        var flat = positions.reshape(-1);
        return (cos.index_select(0, flat).view(shape), sin.index_select(0, flat).view(shape));
    }

    /// <summary>
    /// One decode step: <paramref name="tokens"/> [B] are written at <paramref name="positions"/> [B]
    /// of <paramref name="cache"/> and attend over its first <paramref name="span"/> positions where
    /// <paramref name="mask"/> [B, 1, 1, span] is true; <paramref name="cos"/> and <paramref name="sin"/>
    /// are the positions' RoPE rows [B, 1, 1, headDim] (<see cref="RopeRows"/>). Returns logits [B, V]
    /// in the compute precision.
    /// </summary>
    internal Tensor Step(Tensor tokens, Tensor positions, Tensor cos, Tensor sin, Tensor mask, KvCache cache, long span)
    {
        var b = tokens.shape[0];
        var writeIndex = positions.view(b, 1, 1, 1).expand(b, Config.NumKeyValueHeads, 1, Config.EffectiveHeadDim);
        var x = Embed(tokens.view(b, 1));
        for (var i = 0; i < _layers.Length; i++)
            x = _layers[i].ForwardStep(x, cos, sin, writeIndex, mask, cache.Keys[i], cache.Values[i], span);
        return LmHeadInComputeType(RmsNorm(x, _norm, Config.RmsNormEps).view(b, -1));
    }

    /// <summary>
    /// The weights under their HF names (<c>model.layers.{i}.self_attn.q_proj.weight</c>, ...), as
    /// views into the model's own tensors: copy before changing them.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> HfTensors()
    {
        yield return new("model.embed_tokens.weight", _embed);
        for (var i = 0; i < _layers.Length; i++)
        {
            var l = _layers[i];
            var p = $"model.layers.{i}.";
            yield return new(p + "input_layernorm.weight", l.InputNorm);
            yield return new(p + "self_attn.q_proj.weight", l.QkvWeight.narrow(0, 0, l.QueryRows));
            yield return new(p + "self_attn.k_proj.weight", l.QkvWeight.narrow(0, l.QueryRows, l.KvRows));
            yield return new(p + "self_attn.v_proj.weight", l.QkvWeight.narrow(0, l.QueryRows + l.KvRows, l.KvRows));
            if (l.QkvBias is not null)
            {
                yield return new(p + "self_attn.q_proj.bias", l.QkvBias.narrow(0, 0, l.QueryRows));
                yield return new(p + "self_attn.k_proj.bias", l.QkvBias.narrow(0, l.QueryRows, l.KvRows));
                yield return new(p + "self_attn.v_proj.bias", l.QkvBias.narrow(0, l.QueryRows + l.KvRows, l.KvRows));
            }
            yield return new(p + "self_attn.o_proj.weight", l.OutWeight);
            if (l.OutBias is not null) yield return new(p + "self_attn.o_proj.bias", l.OutBias);
            yield return new(p + "post_attention_layernorm.weight", l.PostNorm);
            yield return new(p + "mlp.gate_proj.weight", l.GateUpWeight.narrow(0, 0, l.Intermediate));
            yield return new(p + "mlp.up_proj.weight", l.GateUpWeight.narrow(0, l.Intermediate, l.Intermediate));
            yield return new(p + "mlp.down_proj.weight", l.DownWeight);
        }
        yield return new("model.norm.weight", _norm);
        if (_lmHead is not null) yield return new("lm_head.weight", _lmHead);
    }

    /// <summary>
    /// Copies weights given under HF names into the model (any float dtype, any device). Throws
    /// <see cref="InvalidDataException"/> listing missing names, unknown names and shape mismatches.
    /// A tied model ignores <c>lm_head.weight</c>; RoPE frequency buffers of old checkpoints are ignored.
    /// </summary>
    public void LoadHfTensors(IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var copies = new List<(Tensor Target, Tensor Source)>();
        foreach (var (name, target) in HfTensors())
        {
            if (!tensors.TryGetValue(name, out var t))
            {
                problems.Add($"missing '{name}'");
                continue;
            }
            used.Add(name);
            if (!t.shape.SequenceEqual(target.shape))
                problems.Add($"'{name}' has shape [{string.Join(", ", t.shape)}], the config wants [{string.Join(", ", target.shape)}]");
            else copies.Add((target, t));
        }
        foreach (var name in tensors.Keys.Where(n => !used.Contains(n)).Order(StringComparer.Ordinal))
        {
            if (name == "lm_head.weight" && Config.TieWordEmbeddings) continue;
            if (name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
            problems.Add($"unexpected '{name}'");
        }
        if (problems.Count > 0)
            throw new InvalidDataException($"{source}: weights do not match the config: {string.Join("; ", problems.Take(12))}{(problems.Count > 12 ? $"; and {problems.Count - 12} more" : "")}");
        foreach (var (target, t) in copies) target.copy_(t);
    }

    /// <summary>
    /// SHA-256 (hex) over every HF tensor name and its float32 little-endian bytes, in name order.
    /// Only float32 master weights have it: weights held in half precision for inference were
    /// rounded, so their digest would name weights that exist nowhere (see <see cref="DigestOf"/>).
    /// </summary>
    public string WeightsDigest()
    {
        if (WeightType != ScalarType.Float32)
            throw new InvalidOperationException($"the weights digest is taken over float32 master weights; this model holds its weights in {WeightType} for inference only (take the digest of the checkpoint's tensors before they are cast)");
        return Digest(HfTensors());
    }

    /// <summary>
    /// The <see cref="WeightsDigest"/> this model would have with float32 master weights copied from
    /// <paramref name="tensors"/> (HF names, any float dtype): the digest of a checkpoint read from disk.
    /// </summary>
    internal string DigestOf(IReadOnlyDictionary<string, Tensor> tensors) =>
        Digest(HfTensors().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, tensors[kv.Key])));

    private static string Digest(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            using var host = t.detach().to(ScalarType.Float32).cpu().contiguous();
            sha.AppendData(host.bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Freezes compute-precision copies of the weights for inference, so generation in bfloat16
    /// does not cast the float32 master weights at every step. No-op in float32 and for weights
    /// already held in the compute precision (a model built for inference, which several
    /// generators may share: nothing of it changes).
    /// </summary>
    internal void FreezeComputeWeights() => _precision.Freeze(parameters());

    internal void ReleaseComputeWeights() => _precision.Release();

    private Tensor Compute(Parameter p) => _precision.Weight(p);

    private Tensor RmsNorm(Tensor x, Parameter weight, double eps) => _precision.RmsNorm(x, weight, eps);

    private Tensor Embed(Tensor ids)
    {
        var shape = ids.shape.Append(Config.HiddenSize).ToArray();
        return Compute(_embed).index_select(0, ids.reshape(-1)).view(shape);
    }

    private (Tensor Cos, Tensor Sin) Rope()
    {
        if (ComputeType == ScalarType.Float32) return (_cos, _sinSigned);
        // Generators on several threads may share one model built for inference.
        lock (_ropeByType)
        {
            if (!_ropeByType.TryGetValue(ComputeType, out var tables))
            {
                tables = (_cos.to(ComputeType).DetachFromDisposeScope(), _sinSigned.to(ComputeType).DetachFromDisposeScope());
                _ropeByType[ComputeType] = tables;
            }
            return tables;
        }
    }

    private static (Tensor Cos, Tensor SinSigned) RopeTables(ModelConfig config, Device device)
    {
        using var scope = NewDisposeScope();
        var dim = config.EffectiveHeadDim;
        // As HF: inverse frequencies in float32 from an int64 range, angles as a float32 product.
        var invFreq = 1.0 / pow(config.RopeTheta, arange(0, dim, 2, ScalarType.Int64).to(ScalarType.Float32) / dim);
        if (config.RopeScaling is { } scaling)
            invFreq = tensor(scaling.Apply(invFreq.to(ScalarType.Float64).data<double>().ToArray())).to(ScalarType.Float32);
        var angles = arange(config.MaxPositionEmbeddings, ScalarType.Int64).to(ScalarType.Float32).unsqueeze(1) * invFreq.to(ScalarType.Float32).unsqueeze(0);
        var cos = cat([angles.cos(), angles.cos()], 1);
        var sin = angles.sin();
        var sinSigned = cat([sin.neg(), sin], 1);
        return (cos.to(device).DetachFromDisposeScope(), sinSigned.to(device).DetachFromDisposeScope());
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _precision.Dispose();
            foreach (var (c, s) in _ropeByType.Values)
            {
                c.Dispose();
                s.Dispose();
            }
            _ropeByType.Clear();
        }
        base.Dispose(disposing);
    }
}
