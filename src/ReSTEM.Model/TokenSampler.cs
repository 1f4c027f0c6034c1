using ReSTEM.Core.Sampling;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// Picks the next token of every row on the device, without host synchronisation: greedy
/// argmax, or temperature + top-k + top-p followed by Gumbel-max. The Gumbel noise of a token is
/// a hash of (the row's seed, the row's step, the token id), so a sequence's draws depend on its
/// own seed and position only, never on which rows share the batch. With top-k, the k
/// candidates are found without ranking the whole vocabulary (<see cref="TopK"/>).
/// </summary>
internal static class TokenSampler
{
    private const long Mask32 = 0xFFFFFFFFL;

    public static Tensor Sample(Tensor logits, SamplingOptions options, Tensor seedLo, Tensor seedHi, Tensor step)
    {
        if (options.IsGreedy) return logits.argmax(-1);
        var vocab = logits.shape[1];
        Tensor values;
        Tensor? ids = null;
        if (options.TopK > 0 && options.TopK < vocab)
        {
            // Select in the logits' own precision (half the bytes to read in bf16), widen only the k
            // survivors. Gumbel-max needs no order among them; top-p ranks the k survivors only.
            (values, ids) = TopK(logits, options.TopK, sorted: options.TopP < 1.0);
            values = values.to(ScalarType.Float32) / options.Temperature;
        }
        else if (options.TopP < 1.0)
        {
            (values, ids) = (logits.to(ScalarType.Float32) / options.Temperature).sort(-1, descending: true);
        }
        else
        {
            values = logits.to(ScalarType.Float32) / options.Temperature;
        }

        if (options.TopP < 1.0)
        {
            // Keep a candidate while the probability mass ranked above it is below p (the first always stays).
            var probs = values.softmax(-1);
            var before = probs.cumsum(-1) - probs;
            values = values.masked_fill(before.ge(options.TopP), double.NegativeInfinity);
        }

        var tokenIds = ids ?? arange(vocab, ScalarType.Int64, logits.device).unsqueeze(0);
        var uniform = HashUniform(seedLo.unsqueeze(1), seedHi.unsqueeze(1), step.unsqueeze(1), tokenIds);
        var gumbel = uniform.log().neg().log().neg();
        var choice = (values + gumbel).argmax(-1, keepdim: true);
        return ids is null ? choice.squeeze(1) : ids.gather(1, choice).squeeze(1);
    }

    /// <summary>
    /// The <paramref name="k"/> largest values of each row of <paramref name="logits"/> [B, V] and
    /// their column ids. A large vocabulary is cut into blocks: one pass takes each block's maximum,
    /// the k blocks with the largest maxima are gathered, and the k largest of their values are the
    /// answer. That is exact: a block holding one of the k largest values has a maximum at least the
    /// k-th largest value, and at most k blocks do. (Where values tie at the k-th place, either of
    /// the tied ids may be taken, as with any top-k.) The vocabulary is read once by a reduction
    /// instead of by a full-width selection; small vocabularies use <c>topk</c> directly.
    /// </summary>
    internal static (Tensor Values, Tensor Ids) TopK(Tensor logits, int k, bool sorted)
    {
        var rows = logits.shape[0];
        var vocab = logits.shape[1];
        var block = BlockWidth(vocab, k);
        if (block == 0) return logits.topk(k, dim: -1, largest: true, sorted: sorted);
        var blocks = vocab / block;
        var covered = blocks * block;
        var maxima = logits.narrow(1, 0, covered).view(rows, blocks, block).amax([2]);
        var (_, best) = maxima.topk(k, dim: -1, largest: true, sorted: false);
        var ids = (best.unsqueeze(2) * block + arange(block, ScalarType.Int64, logits.device).view(1, 1, block)).view(rows, (long)k * block);
        // Columns past the last whole block (the vocabulary's tail) are always candidates.
        if (covered < vocab) ids = cat([ids, arange(covered, vocab, ScalarType.Int64, logits.device).unsqueeze(0).expand(rows, vocab - covered)], 1);
        var (values, pick) = logits.gather(1, ids).topk(k, dim: -1, largest: true, sorted: sorted);
        return (values, ids.gather(1, pick));
    }

    /// <summary>
    /// Block width for <see cref="TopK"/>: the power of two nearest sqrt(V / k), which balances the
    /// blocks' maxima (V / width) against the gathered candidates (k * width); 0 (use <c>topk</c>)
    /// when the vocabulary is too small for blocks to pay.
    /// </summary>
    internal static int BlockWidth(long vocab, int k)
    {
        if (vocab < 4096 || k < 1) return 0;
        var ideal = Math.Sqrt((double)vocab / k);
        var width = 1 << (int)Math.Round(Math.Log2(ideal));
        width = Math.Max(width, 8);
        return vocab / width >= 4L * k ? width : 0;
    }

    /// <summary>Host-side split of a 64-bit seed into the two 32-bit keys the device hash uses.</summary>
    public static (long Lo, long Hi) SeedKeys(long seed)
    {
        // splitmix64 spreads nearby seeds (0, 1, 2, ...) over unrelated keys.
        var z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return ((long)(z & Mask32), (long)(z >> 32));
    }

    /// <summary>Uniforms in (0, 1), one per (seed, step, token), from integer hashing that never overflows int64.</summary>
    internal static Tensor HashUniform(Tensor seedLo, Tensor seedHi, Tensor step, Tensor tokenIds)
    {
        var x = (tokenIds + step * 0x9E3779B1L).remainder(1L << 32);
        x = Mix(x.bitwise_xor(seedLo));
        x = Mix(x.bitwise_xor(seedHi));
        // The top 24 bits as a float32 in (0, 1): exact, and never 0 or 1.
        return (x.div(256, RoundingMode.floor).to(ScalarType.Float32) + 0.5f) / 16777216f;
    }

    // murmur3's 32-bit finaliser on non-negative int64 values below 2^32.
    private static Tensor Mix(Tensor h)
    {
        h = h.bitwise_xor(h.div(1L << 16, RoundingMode.floor));
        h = Mul32(h, 0x85EBCA6BL);
        h = h.bitwise_xor(h.div(1L << 13, RoundingMode.floor));
        h = Mul32(h, 0xC2B2AE35L);
        return h.bitwise_xor(h.div(1L << 16, RoundingMode.floor));
    }

    // (x * c) mod 2^32 for x, c < 2^32, in two 16-bit halves of c so no product reaches 2^63.
    private static Tensor Mul32(Tensor x, long c)
    {
        var low = x * (c & 0xFFFF);
        var high = (x * (c >> 16)).remainder(1L << 16) * (1L << 16);
        return (low + high).remainder(1L << 32);
    }
}
