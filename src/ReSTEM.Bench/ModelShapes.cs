using ReSTEM.Model;

namespace ReSTEM.Bench;

/// <summary>The model shapes the GPU benchmarks and the GPU check share.</summary>
internal static class ModelShapes
{
    /// <summary>The names <see cref="ByName"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["qwen2-0.5b", "tiny"];

    /// <summary>
    /// Qwen2-0.5B's shape (hidden 896, 24 layers, 14 heads, 2 KV heads, intermediate 4864, vocabulary
    /// 151,936, tied embeddings, qkv bias), with no end-of-sequence id so every sequence makes all its tokens.
    /// </summary>
    public static ModelConfig Qwen2Half { get; } = new()
    {
        ModelType = "qwen2", VocabSize = 151936, HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = 24,
        NumAttentionHeads = 14, NumKeyValueHeads = 2, MaxPositionEmbeddings = 4096, RmsNormEps = 1e-6, RopeTheta = 1e6,
        TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [],
    };

    /// <summary>The same family and vocabulary at a size a 2-core CPU runs in seconds (smoke tests of the GPU check).</summary>
    public static ModelConfig Tiny { get; } = Qwen2Half with
    {
        HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
    };

    /// <summary>The shape called <paramref name="name"/>; throws <see cref="ArgumentException"/> naming the known ones.</summary>
    public static ModelConfig ByName(string name) => name switch
    {
        "qwen2-0.5b" => Qwen2Half,
        "tiny" => Tiny,
        _ => throw new ArgumentException($"unknown shape '{name}' (one of: {string.Join(", ", Names)})", nameof(name)),
    };
}
