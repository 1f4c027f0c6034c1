using ReSTEM.Core.Sampling;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

/// <summary>Our decoder against logits and greedy output dumped from HF transformers (fixtures).</summary>
public sealed class ParityTests
{
    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void Logits_match_transformers_within_1e4(string name)
    {
        using var policy = Policy.Load(TestModels.DataDir(name), DeviceOptions.Cpu);
        var reference = TestModels.Reference(name);
        var ids = ((JsonArray)reference["input_ids"]!).Select(r => ((JsonArray)r!).Select(v => v!.GetValue<long>()).ToArray()).ToArray();
        var expected = ((JsonArray)reference["logits"]!)
            .SelectMany(r => ((JsonArray)r!).SelectMany(p => ((JsonArray)p!).Select(v => v!.GetValue<float>()))).ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(ids.SelectMany(r => r).ToArray(), [ids.Length, ids[0].Length]);
        var logits = policy.Model.forward(input);
        Assert.Equal(new long[] { ids.Length, ids[0].Length, policy.Config.VocabSize }, logits.shape);
        var maxError = (logits.reshape(-1) - tensor(expected)).abs().max().item<float>();
        Assert.True(maxError <= 1e-4f, $"max abs logit error {maxError:E3} > 1e-4");
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void Greedy_continuation_matches_transformers_token_for_token(string name)
    {
        using var policy = Policy.Load(TestModels.DataDir(name), DeviceOptions.Cpu);
        var reference = TestModels.Reference(name);
        var prompt = ((JsonArray)((JsonArray)reference["greedy_prompt"]!)[0]!).Select(v => v!.GetValue<int>()).ToArray();
        var output = ((JsonArray)((JsonArray)reference["greedy_output"]!)[0]!).Select(v => v!.GetValue<int>()).ToArray();
        var generator = new Generator(policy, new GeneratorOptions(), name);
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = output.Length - prompt.Length };
        var result = generator.GenerateIds([prompt], [[0L]], options, CancellationToken.None)[0][0];
        Assert.Equal(output[prompt.Length..], result.Tokens);
        Assert.Equal(FinishReason.Length, result.Finish);
    }
}
