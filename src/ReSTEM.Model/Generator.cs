using ReSTEM.Core.Sampling;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// Draws completions from a <see cref="Policy"/>: batched decoding over a preallocated KV cache,
/// each prompt prefilled once for all of its seeds, continuous batching, greedy or temperature /
/// top-k / top-p sampling, EOS and stop strings per sequence. A completion depends only on
/// (prompt, seed, options): the random draws of a sequence are hashed from its own seed and step.
/// Calls are serialised: one generation at a time per instance.
/// </summary>
public sealed class Generator : ICompletionGenerator
{
    private readonly Policy _policy;
    private readonly GeneratorOptions _options;
    private readonly int[] _eosIds;
    private readonly Lock _gate = new();

    /// <summary>Creates a generator over <paramref name="policy"/>, whose weights <paramref name="checkpointId"/> identifies.</summary>
    public Generator(Policy policy, GeneratorOptions options, string checkpointId)
    {
        options.Validate();
        _policy = policy;
        _options = options;
        CheckpointId = checkpointId;
        // Stop at the tokenizer's EOS and at any EOS the model config lists (instruct models end turns with their own).
        _eosIds = policy.Config.EosTokenIds.Concat(policy.Tokenizer.EosId is { } e ? [e] : []).Distinct().ToArray();
    }

    /// <inheritdoc />
    public string CheckpointId { get; }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Completion>> Generate(
        IReadOnlyList<CompletionRequest> requests, SamplingOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var prompts = requests.Select(r => EncodePrompt(r.Prompt)).ToArray();
        var generated = GenerateIds(prompts, requests.Select(r => r.Seeds).ToArray(), options, cancellationToken);
        return requests.Select((r, i) => (IReadOnlyList<Completion>)generated[i]
            .Select((g, s) => new Completion(g.Text, r.Seeds[s], g.PromptTokens, g.Tokens.Length, g.Finish))
            .ToArray()).ToArray();
    }

    /// <summary>
    /// The prompt as the model sees it: [BOS if the tokenizer has one] + Encode(prompt); a prompt
    /// that starts with the BOS text itself (a Llama 3 chat prompt) gets no second one.
    /// </summary>
    public int[] EncodePrompt(string prompt) => EncodePrompt(_policy.Tokenizer, prompt);

    /// <summary>What <see cref="EncodePrompt(string)"/> does, for any tokenizer (to measure prompts before a model is loaded).</summary>
    public static int[] EncodePrompt(ITokenizer tokenizer, string prompt)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = tokenizer.Encode(prompt);
        return tokenizer.BosId is { } bos && (ids.Count == 0 || ids[0] != bos) ? [bos, .. ids] : [.. ids];
    }

    /// <summary>Token-level generation: per prompt, one sequence per seed, in order.</summary>
    internal IReadOnlyList<IReadOnlyList<GeneratedSequence>> GenerateIds(
        IReadOnlyList<int[]> prompts, IReadOnlyList<IReadOnlyList<long>> seeds, SamplingOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        if (prompts.Count != seeds.Count) throw new ArgumentException("one seed list per prompt is needed");
        var total = seeds.Sum(s => s.Count);
        if (total == 0) return seeds.Select(_ => (IReadOnlyList<GeneratedSequence>)[]).ToArray();

        lock (_gate)
        {
            var model = _policy.Model;
            using var noGrad = no_grad();
            model.eval();
            model.FreezeComputeWeights();
            try
            {
                using var run = new GenerationRun(model, _policy.Tokenizer, _eosIds, prompts, seeds, options, _options);
                var flat = run.Run(cancellationToken);
                var result = new IReadOnlyList<GeneratedSequence>[prompts.Count];
                var k = 0;
                for (var i = 0; i < prompts.Count; i++)
                {
                    result[i] = flat.AsSpan(k, seeds[i].Count).ToArray();
                    k += seeds[i].Count;
                }
                return result;
            }
            finally
            {
                model.ReleaseComputeWeights();
            }
        }
    }
}
