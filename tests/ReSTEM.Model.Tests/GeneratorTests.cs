using ReSTEM.Core.Sampling;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

public sealed class GeneratorTests
{
    private static readonly SamplingOptions Sampled = new() { Temperature = 1.0, TopK = 20, TopP = 0.95, MaxNewTokens = 24 };

    private static int[] GreedyByRecomputation(DecoderModel model, int[] prompt, int newTokens)
    {
        using var noGrad = no_grad();
        var ids = prompt.Select(i => (long)i).ToList();
        for (var i = 0; i < newTokens; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(ids.ToArray(), [1, ids.Count]));
            ids.Add(logits[0, -1].argmax().item<long>());
        }
        return ids.Skip(prompt.Length).Select(i => (int)i).ToArray();
    }

    [Fact]
    public void Greedy_with_kv_cache_equals_greedy_by_full_recomputation_on_a_ragged_batch()
    {
        using var policy = TestModels.TinyPolicy(seed: 3);
        var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 8, SyncInterval = 5 }, "t");
        var prompts = new[] { "a", "hello there", "12+7=", "The quick brown fox jumps over", "x\ny\nz" }.Select(generator.EncodePrompt).ToArray();
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 20 };
        var results = generator.GenerateIds(prompts, prompts.Select(_ => (IReadOnlyList<long>)[1L]).ToArray(), options, CancellationToken.None);
        for (var i = 0; i < prompts.Length; i++)
        {
            var expected = GreedyByRecomputation(policy.Model, prompts[i], 20);
            var got = results[i][0].Tokens;
            // The cached run may stop early at EOS; up to there it must agree token for token.
            Assert.Equal(expected.Take(got.Length), got);
            if (results[i][0].Finish == FinishReason.Length) Assert.Equal(expected, got);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_completion_whatever_shares_the_batch()
    {
        using var policy = TestModels.TinyPolicy(seed: 5);
        var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 16 }, "t");
        var alone = generator.Generate([new CompletionRequest("Q: 3+4?", [42L])], Sampled, CancellationToken.None)[0][0];
        var crowded = generator.Generate(
            [new CompletionRequest("another prompt entirely", [1L, 2L, 3L]), new CompletionRequest("Q: 3+4?", [9L, 42L, 10L]), new CompletionRequest("z", [42L])],
            Sampled, CancellationToken.None);
        Assert.Equal(alone, crowded[1][1]);
        Assert.Equal(42L, crowded[1][1].Seed);
        // Different seeds of one prompt explore different completions.
        Assert.True(crowded[1].Select(c => c.Text).Distinct().Count() > 1);
    }

    [Fact]
    public void Continuous_batching_gives_the_results_of_one_at_a_time_generation()
    {
        using var policy = TestModels.TinyPolicy(seed: 11);
        var requests = Enumerable.Range(0, 6)
            .Select(i => new CompletionRequest(new string((char)('a' + i), i + 1) + "?", Enumerable.Range(0, 3).Select(s => (long)(100 * i + s)).ToArray()))
            .ToArray();
        var options = Sampled with { MaxNewTokens = 30 };
        var batched = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 4, SyncInterval = 3 }, "t")
            .Generate(requests, options, CancellationToken.None);
        var single = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 1 }, "t");
        for (var i = 0; i < requests.Length; i++)
        {
            for (var s = 0; s < requests[i].Seeds.Count; s++)
            {
                var one = single.Generate([new CompletionRequest(requests[i].Prompt, [requests[i].Seeds[s]])], options, CancellationToken.None)[0][0];
                Assert.Equal(one, batched[i][s]);
            }
        }
    }

    [Fact]
    public void Stop_strings_end_each_sequence_on_its_own_and_are_removed()
    {
        using var policy = TestModels.TinyPolicy(seed: 13);
        var generator = new Generator(policy, new GeneratorOptions { MaxConcurrentSequences = 8 }, "t");
        var free = generator.Generate([new CompletionRequest("abc", Enumerable.Range(0, 8).Select(i => (long)i).ToArray())],
            Sampled with { MaxNewTokens = 40 }, CancellationToken.None)[0];
        // Take a stop string from inside one sampled completion: that sequence must stop there.
        var victim = free.First(c => c.Text.Length >= 6);
        var stop = victim.Text.Substring(3, 2);
        var stopped = generator.Generate([new CompletionRequest("abc", free.Select(c => c.Seed).ToArray())],
            Sampled with { MaxNewTokens = 40, Stop = [stop] }, CancellationToken.None)[0];
        for (var i = 0; i < free.Count; i++)
        {
            var at = free[i].Text.IndexOf(stop, StringComparison.Ordinal);
            if (at < 0)
            {
                Assert.Equal(free[i], stopped[i]);
                continue;
            }
            Assert.Equal(FinishReason.Stop, stopped[i].Finish);
            Assert.Equal(free[i].Text[..at], stopped[i].Text);
            // Char tokens: the completion's tokens are the text up to and including the stop string.
            Assert.Equal(at + stop.Length, stopped[i].CompletionTokens);
        }
    }

    [Fact]
    public void Eos_ends_a_sequence_and_is_counted_but_not_in_the_text()
    {
        using var policy = TestModels.TinyPolicy(seed: 17);
        var generator = new Generator(policy, new GeneratorOptions(), "t");
        var greedy = new SamplingOptions { Temperature = 0, MaxNewTokens = 12 };
        var prompt = generator.EncodePrompt("hello");
        var plain = generator.GenerateIds([prompt], [[0L]], greedy, CancellationToken.None)[0][0];
        Assert.Equal(FinishReason.Length, plain.Finish);
        // Declaring the 4th generated token an end-of-sequence id ends the sequence there.
        var run = new GenerationRunProbe(policy, plain.Tokens[3]).Generate(prompt, greedy);
        var firstEos = Array.IndexOf(plain.Tokens, plain.Tokens[3]);
        Assert.Equal(FinishReason.EndOfSequence, run.Finish);
        Assert.Equal(plain.Tokens[..(firstEos + 1)], run.Tokens);
        Assert.Equal(policy.Tokenizer.Decode(plain.Tokens[..firstEos]), run.Text);
    }

    [Fact]
    public void Top_k_of_one_is_greedy_and_max_new_tokens_is_honoured()
    {
        using var policy = TestModels.TinyPolicy(seed: 19);
        var generator = new Generator(policy, new GeneratorOptions(), "t");
        var requests = new[] { new CompletionRequest("xyz", [1L, 2L]) };
        var greedy = generator.Generate(requests, new SamplingOptions { Temperature = 0, MaxNewTokens = 7 }, CancellationToken.None)[0];
        var topOne = generator.Generate(requests, new SamplingOptions { Temperature = 0.9, TopK = 1, MaxNewTokens = 7 }, CancellationToken.None)[0];
        var nucleus = generator.Generate(requests, new SamplingOptions { Temperature = 0.9, TopK = 0, TopP = 1e-6, MaxNewTokens = 7 }, CancellationToken.None)[0];
        Assert.Equal(greedy[0].Text, topOne[0].Text);
        Assert.Equal(greedy[0].Text, topOne[1].Text);
        Assert.Equal(greedy[0].Text, nucleus[0].Text);
        Assert.Equal(greedy[0].Text, nucleus[1].Text);
        Assert.All(greedy, c => Assert.True(c.CompletionTokens <= 7));
        Assert.All(greedy, c => Assert.Equal(4, c.PromptTokens));
    }

    [Fact]
    public void Long_prompts_keep_their_last_tokens()
    {
        using var policy = TestModels.TinyPolicy(seed: 23);
        var generator = new Generator(policy, new GeneratorOptions { MaxPromptTokens = 4 }, "t");
        var greedy = new SamplingOptions { Temperature = 0, MaxNewTokens = 5 };
        var cut = generator.Generate([new CompletionRequest("a long prompt ending in wxyz", [1L])], greedy, CancellationToken.None)[0][0];
        Assert.Equal(4, cut.PromptTokens);
        var expected = generator.GenerateIds([[.. policy.Tokenizer.Encode("wxyz")]], [[1L]], greedy, CancellationToken.None)[0][0];
        Assert.Equal(expected.Text, cut.Text);
    }

    [Fact]
    public void An_hf_checkpoint_folder_with_a_bpe_tokenizer_generates_and_honours_stop_strings()
    {
        var dir = TestModels.TempDir();
        TestModels.WriteTinyByteLevelTokenizer(dir, withBos: false);
        var config = TestModels.TinyConfig() with { ModelType = "qwen2", AttentionBias = true, VocabSize = 261, BosTokenId = null, EosTokenIds = [259], PadTokenId = 259 };
        var tokenizer = Tokenizers.Load(dir);
        using (var created = Policy.CreateRandom(config, tokenizer, DeviceOptions.Cpu, 3)) created.Save(dir);
        using var policy = Policy.Load(dir, DeviceOptions.Cpu);
        Assert.IsType<HfTokenizer>(policy.Tokenizer);
        var generator = new Generator(policy, new GeneratorOptions(), "hf");
        Assert.Equal(policy.Tokenizer.Encode("he the"), generator.EncodePrompt("he the"));
        var seeds = Enumerable.Range(0, 6).Select(i => (long)i).ToArray();
        var free = generator.Generate([new CompletionRequest("he the", seeds)], Sampled with { MaxNewTokens = 30 }, CancellationToken.None)[0];
        var victim = free.First(c => c.Text.Length >= 4 && c.Finish == FinishReason.Length);
        var stop = victim.Text.Substring(2, 2);
        var stopped = generator.Generate([new CompletionRequest("he the", seeds)], Sampled with { MaxNewTokens = 30, Stop = [stop] }, CancellationToken.None)[0];
        for (var i = 0; i < seeds.Length; i++)
        {
            var at = free[i].Text.IndexOf(stop, StringComparison.Ordinal);
            if (at < 0) Assert.Equal(free[i], stopped[i]);
            else Assert.Equal((free[i].Text[..at], FinishReason.Stop), (stopped[i].Text, stopped[i].Finish));
        }
    }

    [Fact]
    public void Sampling_follows_the_model_distribution()
    {
        // Gumbel-max with hashed uniforms must draw tokens with the softmax probabilities.
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 2f, 1f, 0f, -1f }).unsqueeze(0).expand(4000, 4).contiguous();
        var seeds = arange(4000, ScalarType.Int64);
        var (lo, hi) = (seeds * 7919 % 65536, seeds * 104729 % 65536);
        var options = new SamplingOptions { Temperature = 1, TopK = 0, TopP = 1 };
        var drawn = TokenSampler.Sample(logits, options, lo, hi, zeros(4000, ScalarType.Int64));
        var counts = Enumerable.Range(0, 4).Select(t => drawn.eq(t).sum().item<long>() / 4000.0).ToArray();
        var expected = softmax(tensor(new float[] { 2f, 1f, 0f, -1f }), 0).data<float>().ToArray();
        for (var t = 0; t < 4; t++) Assert.InRange(counts[t], expected[t] - 0.03, expected[t] + 0.03);
    }

    [Fact]
    public void Cancellation_stops_generation()
    {
        using var policy = TestModels.TinyPolicy();
        var generator = new Generator(policy, new GeneratorOptions(), "t");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            generator.Generate([new CompletionRequest("a", [1L])], Sampled, cts.Token));
    }

    /// <summary>Runs one greedy generation with an extra EOS id, through the same batched run the generator uses.</summary>
    private sealed class GenerationRunProbe(Policy policy, int eos)
    {
        public GeneratedSequence Generate(int[] prompt, SamplingOptions options)
        {
            using var noGrad = no_grad();
            using var run = new GenerationRun(policy.Model, policy.Tokenizer, [eos], [prompt], [[0L]], options, new GeneratorOptions());
            return run.Run(CancellationToken.None)[0];
        }
    }
}
