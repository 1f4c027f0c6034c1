using ReSTEM.Core.Sampling;
using ReSTEM.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

/// <summary>
/// What keeps a GPU fed, checked on the CPU: top-k without ranking the whole vocabulary, stop
/// strings checked on the newest text only, one host read per chunk, and a decode step whose
/// tensor count does not grow with the batch, the step or the sequence's length.
/// Runs alone: tensor counts are per thread but other tests' finalizers would blur them.
/// </summary>
[Collection(nameof(MemoryTests))]
public sealed class DecodeStepTests
{
    [Theory]
    [InlineData(151936, 40)]
    [InlineData(50001, 40)]
    [InlineData(32000, 1)]
    [InlineData(200, 10)]
    public void Block_top_k_finds_the_values_and_ids_of_a_full_top_k(int vocab, int k)
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator(17, CPU);
        var logits = randn([32, vocab], ScalarType.Float32, CPU, false, generator);
        var (values, ids) = TokenSampler.TopK(logits, k, sorted: true);
        var (expected, expectedIds) = logits.topk(k, dim: -1, largest: true, sorted: true);
        if (vocab >= 4096 && k > 1) Assert.True(TokenSampler.BlockWidth(vocab, k) > 0, "a large vocabulary must take the block path");
        Assert.Equal(expected.data<float>().ToArray(), values.data<float>().ToArray());
        Assert.Equal(expectedIds.data<long>().ToArray(), ids.data<long>().ToArray());
    }

    [Fact]
    public void Block_top_k_with_ties_at_the_kth_place_keeps_the_same_values()
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator(23, CPU);
        // Integer logits in a small range: many values tie at the k-th place, as bf16 logits do.
        var logits = randint(0, 50, [16, 151936], generator: generator).to(ScalarType.BFloat16);
        var (values, ids) = TokenSampler.TopK(logits, 40, sorted: true);
        var (expected, _) = logits.topk(40, dim: -1, largest: true, sorted: true);
        Assert.Equal(expected.to(ScalarType.Float32).data<float>().ToArray(), values.to(ScalarType.Float32).data<float>().ToArray());
        // Every id is distinct in its row and holds the value reported for it.
        Assert.Equal(values.to(ScalarType.Float32).data<float>().ToArray(), logits.gather(1, ids).to(ScalarType.Float32).data<float>().ToArray());
        for (var r = 0; r < 16; r++) Assert.Equal(40, ids[r].data<long>().ToArray().Distinct().Count());
    }

    [Fact]
    public void Top_k_sampling_draws_what_gumbel_max_over_the_full_top_k_draws()
    {
        using var scope = NewDisposeScope();
        using var generator = new torch.Generator(29, CPU);
        const int rows = 64;
        var logits = randn([rows, 151936], ScalarType.Float32, CPU, false, generator).mul_(3);
        var lo = arange(rows, ScalarType.Int64) * 7919 % 65536;
        var hi = arange(rows, ScalarType.Int64) * 104729 % 65536;
        var step = full(rows, 5L, ScalarType.Int64);
        var options = new SamplingOptions { Temperature = 0.7, TopK = 40, MaxNewTokens = 1 };
        var drawn = TokenSampler.Sample(logits, options, lo, hi, step);

        var (values, ids) = logits.topk(40, dim: -1, largest: true, sorted: true);
        var gumbel = TokenSampler.HashUniform(lo.unsqueeze(1), hi.unsqueeze(1), step.unsqueeze(1), ids).log().neg().log().neg();
        var expected = ids.gather(1, (values / 0.7 + gumbel).argmax(-1, keepdim: true)).squeeze(1);
        Assert.Equal(expected.data<long>().ToArray(), drawn.data<long>().ToArray());
        // The draws are not all the argmax: sampling happened.
        Assert.True(drawn.ne(logits.argmax(-1)).any().item<bool>());
    }

    [Fact]
    public void Stop_scan_ends_where_decoding_every_prefix_ends_on_real_bpe_text_at_linear_cost()
    {
        var tokenizer = Tokenizers.Load(ReferenceJs.Qwen3TokenizerDir);
        var random = new Random(5);
        var pieces = new[] { "The answer is ", "42", " #### ", "é", "日本語の", "🙂", "\n\nQuestion:", " def f(x):\n    return x", "½", "Ω", " ", "ß" };
        var checkedStops = 0;
        for (var trial = 0; trial < 40; trial++)
        {
            var text = string.Concat(Enumerable.Range(0, 120).Select(_ => pieces[random.Next(pieces.Length)]));
            var tokens = tokenizer.Encode(text).ToList();
            // A stop string cut from somewhere in the text (at any character, even inside a token), and one that never occurs.
            var start = random.Next(text.Length / 4, text.Length - 4);
            var stop = text.Substring(start, random.Next(1, 4));
            if (char.IsLowSurrogate(stop[0]) || char.IsHighSurrogate(stop[^1])) continue;
            var stops = new[] { "\u0007never", stop };
            var expected = BruteForce(tokenizer, tokens, stops);
            var scan = new StopStringScan(tokenizer, stops);
            int? got = null;
            string? gotText = null;
            var chunk = 1 + trial % 16;
            for (var end = Math.Min(chunk, tokens.Count); ; end = Math.Min(end + chunk, tokens.Count))
            {
                got = scan.Advance(tokens, end, out gotText);
                if (got is not null || end == tokens.Count) break;
            }
            Assert.NotNull(expected.Tokens);
            Assert.Equal(expected.Tokens, got);
            Assert.Equal(expected.Text, gotText);
            // Linear: each token is decoded a small number of times, not once per later check.
            Assert.True(scan.DecodedTokens <= 6L * tokens.Count + 64L * chunk, $"{scan.DecodedTokens} tokens decoded for {tokens.Count}");
            checkedStops++;
        }
        Assert.True(checkedStops >= 30, $"only {checkedStops} stop strings were checked");
    }

    [Fact]
    public void Stop_scan_without_a_stop_reads_each_token_a_bounded_number_of_times()
    {
        var tokenizer = Tokenizers.Load(ReferenceJs.Qwen3TokenizerDir);
        var text = string.Concat(Enumerable.Repeat("Janet’s ducks lay 16 eggs per day. 🦆 She eats three. ", 80));
        var tokens = tokenizer.Encode(text).ToList();
        Assert.True(tokens.Count > 1000);
        var scan = new StopStringScan(tokenizer, ["\nQuestion:"]);
        for (var end = 16; end < tokens.Count; end += 16) Assert.Null(scan.Advance(tokens, end, out _));
        // Decoding every prefix would read about n^2 / 32 tokens (65,000 here); each check decodes
        // the last two chunks and the last one again, about 3n in all.
        Assert.True(scan.DecodedTokens < 4L * tokens.Count, $"{scan.DecodedTokens} tokens decoded for {tokens.Count}");
    }

    [Fact]
    public void The_host_reads_from_the_device_once_per_chunk_first_tokens_included()
    {
        using var policy = TestModels.TinyPolicy(seed: 31);
        using var noGrad = no_grad();
        var options = new SamplingOptions { Temperature = 0.8, TopK = 10, MaxNewTokens = 40 };
        // No EOS id: every sequence runs its 40 steps; 4 prompts x 2 seeds fit in 8 slots, admitted together.
        using var run = new GenerationRun(policy.Model, policy.Tokenizer, [], [[1, 5, 6], [1, 7], [1, 9, 9, 9], [1, 3]],
            [[1L, 2L], [3L, 4L], [5L, 6L], [7L, 8L]], options, new GeneratorOptions { MaxConcurrentSequences = 8, SyncInterval = 8 });
        var results = run.Run(CancellationToken.None);
        Assert.Equal(8, results.Length);
        Assert.All(results, r => Assert.Equal(40, r.Tokens.Length));
        // 39 tokens after the first, 8 per chunk: 5 chunks, and the first tokens come with the first chunk's read.
        Assert.Equal(5, run.Chunks);
        Assert.Equal(run.Chunks, run.HostReads);
        Assert.Equal(39, run.Steps);
    }

    [Fact]
    public void Continuous_batching_reads_once_per_chunk_while_sequences_come_and_go()
    {
        using var policy = TestModels.TinyPolicy(seed: 41);
        using var noGrad = no_grad();
        var options = new SamplingOptions { Temperature = 0.8, TopK = 10, MaxNewTokens = 12, Stop = ["e"] };
        var seeds = Enumerable.Range(0, 5).Select(p => (IReadOnlyList<long>)Enumerable.Range(0, 6).Select(s => (long)(10 * p + s)).ToArray()).ToArray();
        int[][] prompts = [[1, 5, 6], [1, 7], [1, 9, 9, 9], [1, 3], [1, 4, 4]];
        using var run = new GenerationRun(policy.Model, policy.Tokenizer, [], prompts, seeds, options, new GeneratorOptions { MaxConcurrentSequences = 4, SyncInterval = 3 });
        var results = run.Run(CancellationToken.None);
        Assert.Equal(30, results.Length);
        Assert.Contains(results, r => r.Finish == FinishReason.Stop);
        Assert.Equal(run.Chunks, run.HostReads);
        // 30 sequences through 4 slots take many admissions; none of them costs a read of its own.
        Assert.True(run.Chunks >= 30 / 4, $"{run.Chunks} chunks");
    }

    [Fact]
    public void A_decode_step_creates_the_same_tensors_whatever_the_batch_the_step_or_the_length()
    {
        using var policy = TestModels.TinyPolicy(seed: 37, maxPositions: 600);
        var small = TensorsPerStep(policy, slots: 2, newTokens: 60);
        var large = TensorsPerStep(policy, slots: 16, newTokens: 500);
        // Every steady step of a run creates exactly as many tensors (no growth with the step or
        // the length), and a batch of 16 creates as many as a batch of 2 (nothing per sequence).
        Assert.Single(small.Distinct());
        Assert.Single(large.Distinct());
        Assert.Equal(small[0], large[0]);
        // What a step creates is the model's own work: at most ~45 per layer (the tiny model has 2) and
        // ~60 for embedding, head and sampling; bookkeeping tensors made per step would push past it.
        var layers = policy.Config.NumHiddenLayers;
        Assert.True(small[0] <= 45 * layers + 60, $"a decode step created {small[0]} tensors");
        Assert.True(small[0] > 10 * layers, $"a decode step created only {small[0]} tensors: the count did not see the step");
    }

    /// <summary>Tensors created (handles, views included) by each decode step after the first chunk, on this thread.</summary>
    private static long[] TensorsPerStep(Policy policy, int slots, int newTokens)
    {
        using var noGrad = no_grad();
        var options = new SamplingOptions { Temperature = 0.8, TopK = 10, MaxNewTokens = newTokens };
        var counts = new List<long>();
        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = 0;
        var steps = 0;
        GenerationRun? run = null;
        // Steps at the start of a chunk also see the chunk's one-off tensors, so only the rest are counted.
        void After(int indexInChunk)
        {
            var now = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
            if (indexInChunk > 0 && ++steps > 8) counts.Add(now - before);
            before = now;
        }
        var seeds = Enumerable.Range(0, slots).Select(s => (long)s).ToArray();
        run = new GenerationRun(policy.Model, policy.Tokenizer, [], [[1, 5, 6, 7]], [seeds], options,
            new GeneratorOptions { MaxConcurrentSequences = slots, SyncInterval = 8 }) { AfterStep = After };
        using (run)
        {
            var results = run.Run(CancellationToken.None);
            Assert.All(results, r => Assert.Equal(newTokens, r.Tokens.Length));
        }
        Assert.True(counts.Count > 20, $"only {counts.Count} steps were counted");
        return counts.ToArray();
    }

    private static (int? Tokens, string? Text) BruteForce(ITokenizer tokenizer, List<int> tokens, string[] stops)
    {
        for (var n = 1; n <= tokens.Count; n++)
        {
            var prefix = tokenizer.Decode(tokens.GetRange(0, n));
            var best = -1;
            foreach (var stop in stops)
            {
                var at = prefix.IndexOf(stop, StringComparison.Ordinal);
                if (at >= 0 && (best < 0 || at < best)) best = at;
            }
            if (best >= 0) return (n, prefix[..best]);
        }
        return (null, null);
    }
}
