using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReSTEM.Model;

/// <summary>
/// The shape of a Llama / Qwen2-family decoder, read from and written to a Hugging Face
/// <c>config.json</c>. The built-in CPU model is a small instance of the same record
/// (<see cref="BuiltIn"/>), so one model class serves both.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>HF <c>model_type</c>: <c>llama</c> or <c>qwen2</c>.</summary>
    public string ModelType { get; init; } = "llama";

    /// <summary>Rows of the embedding and of the output projection.</summary>
    public int VocabSize { get; init; }

    /// <summary>Width of the residual stream.</summary>
    public int HiddenSize { get; init; }

    /// <summary>Width of the SwiGLU feed-forward layer.</summary>
    public int IntermediateSize { get; init; }

    /// <summary>Decoder layers.</summary>
    public int NumHiddenLayers { get; init; }

    /// <summary>Query heads.</summary>
    public int NumAttentionHeads { get; init; }

    /// <summary>Key/value heads (grouped-query attention when fewer than the query heads).</summary>
    public int NumKeyValueHeads { get; init; }

    /// <summary>Per-head width when the checkpoint states it; otherwise hidden size / heads.</summary>
    public int? HeadDim { get; init; }

    /// <summary>Longest sequence (prompt + completion) the positions are defined for.</summary>
    public int MaxPositionEmbeddings { get; init; }

    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>RoPE base frequency.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Llama 3 RoPE scaling, when the checkpoint uses it; null for plain RoPE.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>True when the output projection shares the embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Bias on the query, key and value projections (Qwen2 always has it; Llama when <c>attention_bias</c>).</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Beginning-of-sequence token id, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence token ids (HF allows a list; generation stops at any of them).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Padding token id, if any.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>The dtype the weights were stored in (HF <c>torch_dtype</c> / <c>dtype</c>), informational.</summary>
    public string? TorchDType { get; init; }

    /// <summary>The first end-of-sequence id, if any.</summary>
    public int? EosTokenId => EosTokenIds.Count > 0 ? EosTokenIds[0] : null;

    /// <summary>The effective per-head width.</summary>
    public int EffectiveHeadDim => HeadDim ?? (NumAttentionHeads > 0 ? HiddenSize / NumAttentionHeads : 0);

    /// <summary>Llama's <c>attention_bias</c> also puts a bias on the output projection; Qwen2's never does.</summary>
    public bool OutputProjectionBias => AttentionBias && ModelType == "llama";

    /// <summary>
    /// The configuration of the built-in CPU model: a Llama-shaped decoder with tied embeddings,
    /// no biases, RoPE base 10,000. Token ids default to <see cref="CharTokenizer"/>'s.
    /// </summary>
    public static ModelConfig BuiltIn(
        int vocabSize, int hidden, int layers, int heads, int kvHeads, int intermediate, int maxPositions,
        int? bosTokenId = CharTokenizer.BosTokenId, int? eosTokenId = CharTokenizer.EosTokenId, int? padTokenId = CharTokenizer.PadTokenId)
    {
        var config = new ModelConfig
        {
            ModelType = "llama",
            VocabSize = vocabSize,
            HiddenSize = hidden,
            IntermediateSize = intermediate,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            MaxPositionEmbeddings = maxPositions,
            RmsNormEps = 1e-5,
            RopeTheta = 10000.0,
            TieWordEmbeddings = true,
            AttentionBias = false,
            BosTokenId = bosTokenId,
            EosTokenIds = eosTokenId is { } eos ? [eos] : [],
            PadTokenId = padTokenId,
            TorchDType = "float32",
        };
        config.Validate();
        return config;
    }

    /// <summary>Reads an HF <c>config.json</c>; throws <see cref="InvalidDataException"/> naming the file and the field on any problem.</summary>
    public static ModelConfig Load(string configJsonPath)
    {
        if (!File.Exists(configJsonPath)) throw new FileNotFoundException($"model config not found: {configJsonPath}", configJsonPath);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(configJsonPath)) as JsonObject
                ?? throw new InvalidDataException($"{configJsonPath}: the top level is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configJsonPath}: not valid JSON: {e.Message}", e);
        }
        try
        {
            var config = FromJson(root);
            config.Validate();
            return config;
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configJsonPath}: {e.Message}", e);
        }
    }

    /// <summary>Writes an HF-compatible <c>config.json</c> (loadable by transformers' AutoModelForCausalLM).</summary>
    public void Save(string configJsonPath)
    {
        Validate();
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray(ModelType == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = EffectiveHeadDim,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["rope_parameters"] = RopeParameters(),
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_dropout"] = 0.0,
            ["use_cache"] = true,
            ["torch_dtype"] = TorchDType ?? "float32",
        };
        if (RopeScaling is not null) root["rope_scaling"] = RopeParameters();
        if (ModelType == "llama")
        {
            root["attention_bias"] = AttentionBias;
            root["mlp_bias"] = false;
        }
        else
        {
            root["use_sliding_window"] = false;
        }
        if (BosTokenId is { } bos) root["bos_token_id"] = bos;
        if (EosTokenIds.Count == 1) root["eos_token_id"] = EosTokenIds[0];
        else if (EosTokenIds.Count > 1) root["eos_token_id"] = new JsonArray(EosTokenIds.Select(id => (JsonNode)id).ToArray());
        if (PadTokenId is { } pad) root["pad_token_id"] = pad;
        var directory = Path.GetDirectoryName(Path.GetFullPath(configJsonPath));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.WriteAllText(configJsonPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range or unsupported.</summary>
    public void Validate()
    {
        if (ModelType is not ("llama" or "qwen2")) throw new ArgumentException($"model_type must be 'llama' or 'qwen2', got '{ModelType}'");
        if (VocabSize < 1) throw new ArgumentException($"vocab_size must be >= 1, got {VocabSize}");
        if (HiddenSize < 1) throw new ArgumentException($"hidden_size must be >= 1, got {HiddenSize}");
        if (IntermediateSize < 1) throw new ArgumentException($"intermediate_size must be >= 1, got {IntermediateSize}");
        if (NumHiddenLayers < 1) throw new ArgumentException($"num_hidden_layers must be >= 1, got {NumHiddenLayers}");
        if (NumAttentionHeads < 1) throw new ArgumentException($"num_attention_heads must be >= 1, got {NumAttentionHeads}");
        if (NumKeyValueHeads < 1 || NumAttentionHeads % NumKeyValueHeads != 0)
            throw new ArgumentException($"num_key_value_heads must be >= 1 and divide num_attention_heads ({NumAttentionHeads}), got {NumKeyValueHeads}");
        if (HeadDim is null && HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads}) when head_dim is not given");
        if (EffectiveHeadDim < 2 || EffectiveHeadDim % 2 != 0) throw new ArgumentException($"head_dim must be even and >= 2 (RoPE rotates pairs), got {EffectiveHeadDim}");
        if (MaxPositionEmbeddings < 2) throw new ArgumentException($"max_position_embeddings must be >= 2, got {MaxPositionEmbeddings}");
        if (!(RmsNormEps > 0)) throw new ArgumentException($"rms_norm_eps must be > 0, got {RmsNormEps}");
        if (!(RopeTheta > 0)) throw new ArgumentException($"rope_theta must be > 0, got {RopeTheta}");
        RopeScaling?.Validate();
        foreach (var (name, id) in new[] { ("bos_token_id", BosTokenId), ("pad_token_id", PadTokenId) })
            if (id is { } v && (v < 0 || v >= VocabSize)) throw new ArgumentException($"{name} must be in [0, vocab_size={VocabSize}), got {v}");
        foreach (var eos in EosTokenIds)
            if (eos < 0 || eos >= VocabSize) throw new ArgumentException($"eos_token_id must be in [0, vocab_size={VocabSize}), got {eos}");
    }

    private static ModelConfig FromJson(JsonObject root)
    {
        var modelType = root["model_type"]?.GetValue<string>() ?? throw new ArgumentException("model_type is missing");
        if (modelType is not ("llama" or "qwen2")) throw new ArgumentException($"model_type '{modelType}' is not supported (llama, qwen2)");
        var act = root["hidden_act"]?.GetValue<string>() ?? "silu";
        if (act != "silu") throw new ArgumentException($"hidden_act '{act}' is not supported (silu)");
        if (root["mlp_bias"]?.GetValue<bool>() == true) throw new ArgumentException("mlp_bias = true is not supported");
        if (root["use_sliding_window"]?.GetValue<bool>() == true) throw new ArgumentException("use_sliding_window = true is not supported");

        var ropeParameters = root["rope_parameters"] as JsonObject ?? root["rope_scaling"] as JsonObject;
        var ropeType = ropeParameters?["rope_type"]?.GetValue<string>() ?? ropeParameters?["type"]?.GetValue<string>() ?? "default";
        if (ropeType is not ("default" or "llama3")) throw new ArgumentException($"rope_type '{ropeType}' is not supported (default, llama3)");
        RopeScaling? scaling = ropeType == "llama3"
            ? new RopeScaling(
                Double(ropeParameters!["factor"]) ?? throw new ArgumentException("rope_scaling.factor is missing"),
                Double(ropeParameters["low_freq_factor"]) ?? 1.0,
                Double(ropeParameters["high_freq_factor"]) ?? 4.0,
                ropeParameters["original_max_position_embeddings"]?.GetValue<int>() ?? throw new ArgumentException("rope_scaling.original_max_position_embeddings is missing"))
            : null;
        var ropeTheta = Double(root["rope_theta"]) ?? Double(ropeParameters?["rope_theta"]) ?? 10000.0;

        return new ModelConfig
        {
            ModelType = modelType,
            VocabSize = Int(root, "vocab_size"),
            HiddenSize = Int(root, "hidden_size"),
            IntermediateSize = Int(root, "intermediate_size"),
            NumHiddenLayers = Int(root, "num_hidden_layers"),
            NumAttentionHeads = Int(root, "num_attention_heads"),
            NumKeyValueHeads = OptionalInt(root, "num_key_value_heads") ?? Int(root, "num_attention_heads"),
            HeadDim = OptionalInt(root, "head_dim"),
            MaxPositionEmbeddings = OptionalInt(root, "max_position_embeddings") ?? 2048,
            RmsNormEps = Double(root["rms_norm_eps"]) ?? 1e-6,
            RopeTheta = ropeTheta,
            RopeScaling = scaling,
            TieWordEmbeddings = root["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            // Qwen2 has q/k/v biases by construction and no config key for them.
            AttentionBias = modelType == "qwen2" || (root["attention_bias"]?.GetValue<bool>() ?? false),
            BosTokenId = OptionalInt(root, "bos_token_id"),
            EosTokenIds = root["eos_token_id"] switch
            {
                null => [],
                JsonArray array => array.Select(n => n!.GetValue<int>()).ToArray(),
                var single => [single.GetValue<int>()],
            },
            PadTokenId = OptionalInt(root, "pad_token_id"),
            TorchDType = root["torch_dtype"]?.GetValue<string>() ?? root["dtype"]?.GetValue<string>(),
        };
    }

    private JsonObject RopeParameters()
    {
        var rope = new JsonObject { ["rope_type"] = RopeScaling is null ? "default" : "llama3", ["rope_theta"] = RopeTheta };
        if (RopeScaling is { } s)
        {
            rope["factor"] = s.Factor;
            rope["low_freq_factor"] = s.LowFreqFactor;
            rope["high_freq_factor"] = s.HighFreqFactor;
            rope["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings;
        }
        return rope;
    }

    private static int Int(JsonObject root, string key) =>
        OptionalInt(root, key) ?? throw new ArgumentException($"{key} is missing");

    private static int? OptionalInt(JsonObject root, string key)
    {
        var node = root[key];
        if (node is null) return null;
        try
        {
            return node.GetValue<int>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"{key} must be an integer, got {node.ToJsonString()}", e);
        }
    }

    private static double? Double(JsonNode? node) => node is null
        ? null
        : node.GetValueKind() == JsonValueKind.String
            ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
            : node.GetValue<double>();
}
