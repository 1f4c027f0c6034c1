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

    [Fact]
    public void Llama3_rope_scaling_is_read_saved_and_applied_by_wavelength()
    {
        var path = Path.Combine(TestModels.TempDir(), "config.json");
        File.WriteAllText(path, """
            {"model_type":"llama","vocab_size":10,"hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":1,
             "max_position_embeddings":64,"rope_parameters":{"rope_type":"llama3","rope_theta":500000.0,"factor":8.0,
             "low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":64}}
            """);
        var config = ModelConfig.Load(path);
        Assert.Equal(new RopeScaling(8.0, 1.0, 4.0, 64), config.RopeScaling);
        config.Save(path);
        Assert.Equal(config.RopeScaling, ModelConfig.Load(path).RopeScaling);

        // Wavelengths below 64/4 = 16 positions are kept, above 64 slowed 8x, between interpolated.
        var scaling = config.RopeScaling!;
        var freqs = new[] { 2 * Math.PI / 8, 2 * Math.PI / 32, 2 * Math.PI / 128 };
        var scaled = scaling.Apply(freqs);
        Assert.Equal(freqs[0], scaled[0]);
        Assert.Equal(freqs[2] / 8, scaled[2], 12);
        // At wavelength 32: smooth = (64/32 - 1) / (4 - 1) = 1/3.
        Assert.Equal((2.0 / 3) * freqs[1] / 8 + (1.0 / 3) * freqs[1], scaled[1], 12);

        // The model uses them: a scaled model differs from a plain one only through RoPE.
        using var plain = Policy.CreateRandom(config with { RopeScaling = null }, new CharTokenizer("abcdef"), DeviceOptions.Cpu, 1);
        using var llama3 = Policy.CreateRandom(config, new CharTokenizer("abcdef"), DeviceOptions.Cpu, 1);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var ids = TorchSharp.torch.arange(4, 10, dtype: TorchSharp.torch.ScalarType.Int64).unsqueeze(0);
        Assert.False(plain.Model.forward(ids).allclose(llama3.Model.forward(ids)));
    }
}
