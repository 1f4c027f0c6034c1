using ReSTEM.Core.Sampling;
using ReSTEM.Core.Training;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

public sealed class PolicyTests
{
    [Fact]
    public void Save_then_load_gives_the_same_weights_config_tokenizer_and_completions()
    {
        using var policy = TestModels.TinyPolicy(seed: 41);
        var dir = TestModels.TempDir();
        policy.Save(dir);
        Assert.True(File.Exists(Path.Combine(dir, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));
        Assert.True(File.Exists(Path.Combine(dir, CharTokenizer.FileName)));
        using var loaded = Policy.Load(dir, DeviceOptions.Cpu);
        Assert.Equal(policy.WeightsDigest(), loaded.WeightsDigest());
        Assert.Equal(policy.ParameterCount, loaded.ParameterCount);
        Assert.Equal(policy.Config with { EosTokenIds = [], HeadDim = policy.Config.EffectiveHeadDim }, loaded.Config with { EosTokenIds = [] });
        Assert.Equal(policy.Config.EosTokenIds, loaded.Config.EosTokenIds);
        var request = new[] { new CompletionRequest("1+1=", [5L, 6L]) };
        var options = new SamplingOptions { MaxNewTokens = 16 };
        Assert.Equal(
            new Generator(policy, new GeneratorOptions(), "a").Generate(request, options, CancellationToken.None)[0],
            new Generator(loaded, new GeneratorOptions(), "b").Generate(request, options, CancellationToken.None)[0]);
    }

    [Fact]
    public void Saved_weights_use_hf_names_with_separate_projections()
    {
        using var policy = Policy.CreateRandom(TestModels.TinyConfig() with { ModelType = "qwen2", AttentionBias = true, TieWordEmbeddings = false },
            new CharTokenizer(), DeviceOptions.Cpu, 1);
        var dir = TestModels.TempDir();
        policy.Save(dir);
        var tensors = Safetensors.Load(Path.Combine(dir, "model.safetensors"));
        try
        {
            var c = policy.Config;
            Assert.Equal(new long[] { c.VocabSize, c.HiddenSize }, tensors["model.embed_tokens.weight"].shape);
            Assert.Equal(new long[] { c.NumAttentionHeads * c.EffectiveHeadDim, c.HiddenSize }, tensors["model.layers.0.self_attn.q_proj.weight"].shape);
            Assert.Equal(new long[] { c.NumKeyValueHeads * c.EffectiveHeadDim, c.HiddenSize }, tensors["model.layers.1.self_attn.k_proj.weight"].shape);
            Assert.Equal(new long[] { c.NumKeyValueHeads * c.EffectiveHeadDim }, tensors["model.layers.1.self_attn.v_proj.bias"].shape);
            Assert.Equal(new long[] { c.IntermediateSize, c.HiddenSize }, tensors["model.layers.0.mlp.up_proj.weight"].shape);
            Assert.Equal(new long[] { c.HiddenSize, c.IntermediateSize }, tensors["model.layers.0.mlp.down_proj.weight"].shape);
            Assert.Contains("lm_head.weight", tensors.Keys);
            Assert.Contains("model.norm.weight", tensors.Keys);
            Assert.DoesNotContain(tensors.Keys, k => k.Contains("qkv") || k.Contains("gate_up"));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Fact]
    public void Random_weights_are_reproducible_from_the_seed()
    {
        using var a = TestModels.TinyPolicy(seed: 1);
        using var b = TestModels.TinyPolicy(seed: 1);
        using var c = TestModels.TinyPolicy(seed: 2);
        Assert.Equal(a.WeightsDigest(), b.WeightsDigest());
        Assert.NotEqual(a.WeightsDigest(), c.WeightsDigest());
        Assert.Matches("^[0-9a-f]{64}$", a.WeightsDigest());
    }

    [Fact]
    public void Training_a_clone_leaves_the_base_untouched()
    {
        using var basePolicy = TestModels.TinyPolicy(seed: 43);
        var digest = basePolicy.WeightsDigest();
        using var clone = basePolicy.Clone();
        Assert.Equal(digest, clone.WeightsDigest());
        using (var trainer = new Trainer(clone, new TrainingOptions { Epochs = 1, BatchSize = 2 }, 2))
            trainer.TrainEpoch([new TrainingExample("a", "b"), new TrainingExample("c", "d")], 0, null, CancellationToken.None);
        Assert.NotEqual(digest, clone.WeightsDigest());
        Assert.Equal(digest, basePolicy.WeightsDigest());
    }

    [Fact]
    public void Bfloat16_checkpoints_load_to_the_rounded_weights()
    {
        using var policy = TestModels.TinyPolicy(seed: 47);
        var dir = TestModels.TempDir();
        policy.Save(dir, "bfloat16");
        using var loaded = Policy.Load(dir, DeviceOptions.Cpu);
        Assert.Equal("bfloat16", loaded.Config.TorchDType);
        using var scope = NewDisposeScope();
        var original = policy.Model.HfTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (name, t) in loaded.Model.HfTensors())
        {
            var rounded = original[name].to(ScalarType.BFloat16).to(ScalarType.Float32);
            Assert.True(t.eq(rounded).all().item<bool>(), name);
        }
        Assert.NotEqual(policy.WeightsDigest(), loaded.WeightsDigest());
    }

    [Fact]
    public void Sharded_checkpoints_load_through_their_index()
    {
        using var policy = TestModels.TinyPolicy(seed: 53);
        var dir = TestModels.TempDir();
        policy.Save(dir);
        File.Delete(Path.Combine(dir, "model.safetensors"));
        var all = policy.Model.HfTensors().ToList();
        var first = all.Take(all.Count / 2).ToList();
        var second = all.Skip(all.Count / 2).ToList();
        Safetensors.Save(Path.Combine(dir, "model-00001-of-00002.safetensors"), first);
        Safetensors.Save(Path.Combine(dir, "model-00002-of-00002.safetensors"), second, ScalarType.Float16);
        var map = string.Join(",", first.Select(kv => $"\"{kv.Key}\":\"model-00001-of-00002.safetensors\"")
            .Concat(second.Select(kv => $"\"{kv.Key}\":\"model-00002-of-00002.safetensors\"")));
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), $"{{\"metadata\":{{}},\"weight_map\":{{{map}}}}}");
        using var loaded = Policy.Load(dir, DeviceOptions.Cpu);
        using var scope = NewDisposeScope();
        var loadedTensors = loaded.Model.HfTensors().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (name, t) in first) Assert.True(loadedTensors[name].eq(t).all().item<bool>(), name);
        foreach (var (name, t) in second) Assert.True(loadedTensors[name].allclose(t, rtol: 1e-3, atol: 1e-4), name);
    }

    [Fact]
    public void Missing_or_malformed_files_are_named_in_the_error()
    {
        using var policy = TestModels.TinyPolicy();
        var dir = TestModels.TempDir();
        policy.Save(dir);

        var noConfig = TestModels.TempDir();
        foreach (var f in Directory.GetFiles(dir).Where(f => !f.EndsWith("config.json", StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(noConfig, Path.GetFileName(f)));
        Assert.Contains("config.json", Assert.ThrowsAny<Exception>(() => Policy.Load(noConfig, DeviceOptions.Cpu)).Message);

        var noWeights = TestModels.TempDir();
        foreach (var f in Directory.GetFiles(dir).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(noWeights, Path.GetFileName(f)));
        Assert.Contains("model.safetensors", Assert.Throws<FileNotFoundException>(() => Policy.Load(noWeights, DeviceOptions.Cpu)).Message);

        var noTokenizer = TestModels.TempDir();
        foreach (var f in Directory.GetFiles(dir).Where(f => !f.EndsWith(CharTokenizer.FileName, StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(noTokenizer, Path.GetFileName(f)));
        Assert.Contains("tokenizer.json", Assert.Throws<FileNotFoundException>(() => Policy.Load(noTokenizer, DeviceOptions.Cpu)).Message);

        var truncated = TestModels.TempDir();
        foreach (var f in Directory.GetFiles(dir)) File.Copy(f, Path.Combine(truncated, Path.GetFileName(f)));
        var weights = Path.Combine(truncated, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Policy.Load(truncated, DeviceOptions.Cpu));
        Assert.Contains(weights, e.Message);

        var wrongShape = TestModels.TempDir();
        foreach (var f in Directory.GetFiles(dir)) File.Copy(f, Path.Combine(wrongShape, Path.GetFileName(f)));
        (policy.Config with { IntermediateSize = 48 }).Save(Path.Combine(wrongShape, "config.json"));
        var shapeError = Assert.Throws<InvalidDataException>(() => Policy.Load(wrongShape, DeviceOptions.Cpu));
        Assert.Contains("mlp.gate_proj.weight", shapeError.Message);
    }
}
