namespace ReSTEM.Model.Tests;

public sealed class ModelConfigTests
{
    [Fact]
    public void Reads_qwen2_and_llama_configs_from_transformers()
    {
        var qwen = ModelConfig.Load(Path.Combine(TestModels.DataDir("tiny-qwen2"), "config.json"));
        Assert.Equal("qwen2", qwen.ModelType);
        Assert.True(qwen.AttentionBias);
        Assert.False(qwen.OutputProjectionBias);
        Assert.True(qwen.TieWordEmbeddings);
        Assert.Equal(10000.0, qwen.RopeTheta);
        Assert.Equal(16, qwen.EffectiveHeadDim);
        Assert.Equal(2, qwen.NumKeyValueHeads);
        Assert.Equal(1e-6, qwen.RmsNormEps);
        Assert.Equal([2], qwen.EosTokenIds);

        var llama = ModelConfig.Load(Path.Combine(TestModels.DataDir("tiny-llama"), "config.json"));
        Assert.Equal("llama", llama.ModelType);
        Assert.False(llama.AttentionBias);
        Assert.False(llama.TieWordEmbeddings);
        Assert.Equal(500000.0, llama.RopeTheta);
        Assert.Equal(16, llama.HeadDim);
        Assert.Equal(160, llama.IntermediateSize);
    }

    [Fact]
    public void Save_and_load_round_trip()
    {
        var config = ModelConfig.BuiltIn(100, 128, 4, 4, 2, 352, 512) with { EosTokenIds = [2, 7] };
        var path = Path.Combine(TestModels.TempDir(), "config.json");
        config.Save(path);
        var loaded = ModelConfig.Load(path);
        Assert.Equal(config with { EosTokenIds = [], HeadDim = 32 }, loaded with { EosTokenIds = [] });
        Assert.Equal([2, 7], loaded.EosTokenIds);
    }

    [Theory]
    [InlineData("{\"model_type\":\"gpt2\"}", "model_type")]
    [InlineData("{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":3}", "hidden_size")]
    [InlineData("{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2,\"num_key_value_heads\":3}", "num_key_value_heads")]
    [InlineData("{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,\"num_attention_heads\":2}", "num_hidden_layers")]
    [InlineData("{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_scaling\":{\"rope_type\":\"yarn\"}}", "rope_type")]
    [InlineData("not json", "not valid JSON")]
    public void Invalid_configs_fail_naming_the_file_and_the_field(string json, string field)
    {
        var path = Path.Combine(TestModels.TempDir(), "config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(field, e.Message);
    }
}
