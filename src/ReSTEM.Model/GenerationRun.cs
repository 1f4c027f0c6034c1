using ReSTEM.Core.Sampling;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// One call's worth of batched decoding: a fixed number of slots over a KV cache allocated once;
/// waiting sequences enter free slots as others finish (continuous batching). A prompt is prefilled
/// once and its cache rows copied to every slot that samples from it; the host looks at the tokens
/// only every <see cref="GeneratorOptions.SyncInterval"/> steps.
/// <para>
/// A decode step creates no bookkeeping tensors of its own: the attention mask is one
/// preallocated additive [slots, capacity] buffer that each step opens one position of in place, and the positions,
/// RoPE rows and draw counters of a whole chunk are gathered once at its start, so a step only
/// takes views of them. What a step still creates is the model's and the sampler's own outputs
/// (libtorch has no out= forms of those ops in TorchSharp); their shapes stay fixed between span
/// quanta, so libtorch's caching allocator reuses the same blocks. The only device-to-host reads
/// are one per chunk: the chunk's tokens, with the first token of every sequence admitted
/// since the last read (<see cref="HostReads"/> counts them). Stop strings are searched in each sequence's newest text
/// only (<see cref="StopStringScan"/>).
/// </para>
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private const int SpanQuantum = 64;
    private const int MaskAlignment = 16;

    private readonly DecoderModel _model;
    private readonly ITokenizer _tokenizer;
    private readonly SamplingOptions _sampling;
    private readonly GeneratorOptions _options;
    private readonly HashSet<int> _eos;
    private readonly int[][] _prompts;
    private readonly int[] _seqPrompt;
    private readonly long[] _seqSeed;
    private readonly GeneratedSequence?[] _results;
    private long _slots;
    private readonly long _capacity;
    private readonly long _width;
    private readonly int _syncInterval;
    private KvCache _cache;
    private Tensor _tok;
    private Tensor _pos;
    private Tensor _seedLo;
    private Tensor _seedHi;
    private Tensor _step;
    private Tensor _out;
    private Tensor _mask;
    private Tensor _open;
    private int[] _slotSeq;
    private StopStringScan?[] _slotScan;
    private List<int>[] _slotTokens;
    private int[] _slotLimit;
    private bool[] _slotFirstPending;
    private long[] _slotPos;
    private int _next;
    private (int Prompt, List<(Tensor Keys, Tensor Values)> Kv, Tensor Logits)? _pending;

    public GenerationRun(DecoderModel model, ITokenizer tokenizer, IEnumerable<int> eosIds, IReadOnlyList<int[]> prompts,
        IReadOnlyList<IReadOnlyList<long>> seeds, SamplingOptions sampling, GeneratorOptions options)
    {
        _model = model;
        _tokenizer = tokenizer;
        _sampling = sampling;
        _options = options;
        _eos = eosIds.ToHashSet();
        var maxPositions = model.Config.MaxPositionEmbeddings;
        // Keep the end of an over-long prompt, leaving room for at least one new token.
        var promptCap = Math.Min(options.MaxPromptTokens, maxPositions - 1);
        _prompts = prompts.Select(p => p.Length > promptCap ? p[^promptCap..] : p).ToArray();
        if (_prompts.Any(p => p.Length == 0)) throw new ArgumentException("a prompt encodes to no tokens and the tokenizer has no BOS to start from");
        _seqPrompt = seeds.SelectMany((s, i) => s.Select(_ => i)).ToArray();
        _seqSeed = seeds.SelectMany(s => s).ToArray();
        _results = new GeneratedSequence?[_seqSeed.Length];

        _slots = Math.Min(options.MaxConcurrentSequences, _seqSeed.Length);
        var longest = _prompts.Where((_, i) => seeds[i].Count > 0).Select(p => p.Length).DefaultIfEmpty(1).Max();
        _capacity = Math.Min((long)longest + sampling.MaxNewTokens, maxPositions);
        var device = model.Device;
        // The cache and the mask are a little wider than any position, to a multiple of 16: rows of
        // the mask then start at aligned addresses, which fused attention kernels take without a
        // padded copy. The extra columns are never written and stay masked.
        _width = (_capacity + MaskAlignment - 1) / MaskAlignment * MaskAlignment;
        _cache = new KvCache(model.Config, _slots, _width, model.ComputeType, device);
        _tok = zeros(_slots, ScalarType.Int64, device).DetachFromDisposeScope();
        _pos = zeros(_slots, ScalarType.Int64, device).DetachFromDisposeScope();
        _seedLo = zeros(_slots, ScalarType.Int64, device).DetachFromDisposeScope();
        _seedHi = zeros(_slots, ScalarType.Int64, device).DetachFromDisposeScope();
        _step = zeros(_slots, ScalarType.Int64, device).DetachFromDisposeScope();
        _syncInterval = options.SyncIntervalFor(device.type == TorchSharp.DeviceType.CUDA);
        // Column 0 holds the tokens a chunk starts from (a new sequence's first token is read there), columns 1.. the chunk's new ones.
        _out = zeros([_slots, _syncInterval + 1], ScalarType.Int64, device).DetachFromDisposeScope();
        // Additive, in the compute precision: 0 where a slot may attend, -inf elsewhere. A boolean
        // mask would be converted to this by every layer's attention call of every step.
        _mask = full([_slots, _width], double.NegativeInfinity, model.ComputeType, device).DetachFromDisposeScope();
        _open = zeros([_slots, 1], model.ComputeType, device).DetachFromDisposeScope();
        _slotScan = Enumerable.Range(0, (int)_slots).Select(_ => sampling.Stop.Count > 0 ? new StopStringScan(tokenizer, sampling.Stop) : null).ToArray();
        _slotSeq = Enumerable.Repeat(-1, (int)_slots).ToArray();
        _slotTokens = Enumerable.Range(0, (int)_slots).Select(_ => new List<int>()).ToArray();
        _slotLimit = new int[_slots];
        _slotFirstPending = new bool[_slots];
        _slotPos = new long[_slots];
    }

    /// <summary>Device-to-host reads so far: one per decode chunk.</summary>
    public int HostReads { get; private set; }

    /// <summary>Decode chunks so far.</summary>
    public int Chunks { get; private set; }

    /// <summary>Decode steps so far (each runs every slot of the batch).</summary>
    public int Steps { get; private set; }

    /// <summary>Tokens decoded for stop-string checks so far, summed over every sequence and decode.</summary>
    public long StopScanDecodedTokens => _scanned + _slotScan.Sum(s => s?.DecodedTokens ?? 0);

    /// <summary>When set, called after every decode step with the step's index in its chunk (tests count what a step created).</summary>
    internal Action<int>? AfterStep { get; init; }

    private long _scanned;

    public GeneratedSequence[] Run(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            AdmitWaiting();
            if (_slotSeq.All(s => s < 0)) break;
            CompactWhenDraining();
            DecodeChunk();
        }
        return _results.Select(r => r!).ToArray();
    }

    private void AdmitWaiting()
    {
        while (_next < _seqSeed.Length)
        {
            var free = Enumerable.Range(0, (int)_slots).Where(b => _slotSeq[b] < 0).ToList();
            if (free.Count == 0) return;
            var take = Math.Min(free.Count, _seqSeed.Length - _next);
            var admitted = Enumerable.Range(_next, take).ToArray();
            _next += take;
            var assignments = admitted.Select((seq, i) => (Seq: seq, Slot: free[i])).ToList();

            using var scope = NewDisposeScope();
            var groups = new List<(List<int> Prompts, List<(Tensor Keys, Tensor Values)> Kv, Tensor Logits)>();
            var prompts = assignments.Select(a => _seqPrompt[a.Seq]).Distinct().ToList();
            if (_pending is { } pending && prompts[0] == pending.Prompt)
            {
                groups.Add(([pending.Prompt], pending.Kv, pending.Logits));
                prompts.RemoveAt(0);
            }
            foreach (var chunk in PrefillChunks(prompts)) groups.Add((chunk, null!, null!));
            for (var g = 0; g < groups.Count; g++)
            {
                var (groupPrompts, kv, logits) = groups[g];
                if (kv is null) (kv, logits) = Prefill(groupPrompts);
                var inGroup = assignments.Where(a => groupPrompts.Contains(_seqPrompt[a.Seq])).ToList();
                Start(inGroup, groupPrompts, kv, logits);
                groups[g] = (groupPrompts, kv, logits);
            }

            // Keep the last prompt's prefill while some of its seeds still wait for a slot.
            var lastPrompt = _seqPrompt[admitted[^1]];
            var stillWaiting = _next < _seqSeed.Length && _seqPrompt[_next] == lastPrompt;
            if (stillWaiting && _pending?.Prompt != lastPrompt)
            {
                if (_pending is { } replaced) DisposePending(replaced);
                var (groupPrompts, kv, logits) = groups[^1];
                var row = groupPrompts.IndexOf(lastPrompt);
                _pending = (lastPrompt,
                    kv.Select(p => (p.Keys.narrow(0, row, 1).clone().DetachFromDisposeScope(), p.Values.narrow(0, row, 1).clone().DetachFromDisposeScope())).ToList(),
                    logits.narrow(0, row, 1).clone().DetachFromDisposeScope());
            }
            else if (!stillWaiting && _pending is { } done)
            {
                DisposePending(done);
                _pending = null;
            }

        }
    }

    /// <summary>Groups prompts (in order) so that one padded prefill stays within the token budget.</summary>
    private IEnumerable<List<int>> PrefillChunks(List<int> prompts)
    {
        var chunk = new List<int>();
        var longest = 0;
        foreach (var p in prompts)
        {
            var len = _prompts[p].Length;
            if (chunk.Count > 0 && (long)(chunk.Count + 1) * Math.Max(longest, len) > _options.MaxPrefillTokens)
            {
                yield return chunk;
                chunk = [];
                longest = 0;
            }
            chunk.Add(p);
            longest = Math.Max(longest, len);
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private (List<(Tensor Keys, Tensor Values)> Kv, Tensor Logits) Prefill(List<int> prompts)
    {
        var longest = prompts.Max(p => _prompts[p].Length);
        var ids = new long[prompts.Count * longest];
        Array.Fill(ids, _tokenizer.PadId);
        var last = new long[prompts.Count];
        for (var r = 0; r < prompts.Count; r++)
        {
            var p = _prompts[prompts[r]];
            for (var j = 0; j < p.Length; j++) ids[r * longest + j] = p[j];
            last[r] = r * longest + p.Length - 1;
        }
        // Right padding: under the causal mask no real token attends to the pads behind it.
        var input = tensor(ids, [prompts.Count, longest], ScalarType.Int64).to(_model.Device);
        var kv = new List<(Tensor Keys, Tensor Values)>();
        var hidden = _model.Hidden(input, kv);
        var lastHidden = hidden.reshape(-1, hidden.shape[2]).index_select(0, tensor(last).to(_model.Device));
        return (kv, _model.LmHeadInComputeType(lastHidden));
    }

    private void Start(List<(int Seq, int Slot)> assignments, List<int> groupPrompts, List<(Tensor Keys, Tensor Values)> kv, Tensor logits)
    {
        var device = _model.Device;
        var slots = tensor(assignments.Select(a => (long)a.Slot).ToArray()).to(device);
        var rows = tensor(assignments.Select(a => (long)groupPrompts.IndexOf(_seqPrompt[a.Seq])).ToArray()).to(device);
        _cache.Fill(slots, kv, rows);
        var keys = assignments.Select(a => TokenSampler.SeedKeys(_seqSeed[a.Seq])).ToArray();
        var lo = tensor(keys.Select(k => k.Lo).ToArray()).to(device);
        var hi = tensor(keys.Select(k => k.Hi).ToArray()).to(device);
        var first = TokenSampler.Sample(logits.index_select(0, rows), _sampling, lo, hi, zeros(assignments.Count, ScalarType.Int64, device));
        var positions = assignments.Select(a => (long)_prompts[_seqPrompt[a.Seq]].Length).ToArray();
        _tok.index_copy_(0, slots, first);
        _pos.index_copy_(0, slots, tensor(positions).to(device));
        _seedLo.index_copy_(0, slots, lo);
        _seedHi.index_copy_(0, slots, hi);
        _step.index_copy_(0, slots, ones(assignments.Count, ScalarType.Int64, device));
        // A slot's mask row holds its prompt's positions; each step adds the position it writes.
        var promptLengths = tensor(positions).to(device);
        var open = arange(_width, ScalarType.Int64, device).unsqueeze(0).lt(promptLengths.unsqueeze(1));
        _mask.index_copy_(0, slots, zeros([assignments.Count, _width], _model.ComputeType, device).masked_fill_(open.logical_not(), double.NegativeInfinity));

        for (var i = 0; i < assignments.Count; i++)
        {
            var (seq, slot) = assignments[i];
            _slotSeq[slot] = seq;
            // The first token stays on the device until the next chunk's read brings it with the rest.
            _slotTokens[slot].Clear();
            _slotFirstPending[slot] = true;
            _slotPos[slot] = positions[i];
            _slotLimit[slot] = (int)Math.Min(_sampling.MaxNewTokens, _capacity - positions[i]);
            _slotScan[slot]?.Reset();
        }
    }

    /// <summary>
    /// Once nothing waits, a batch that is at most half busy moves its live sequences into a
    /// smaller batch, so the last long sequences do not pay for idle slots. Shapes change at most
    /// log2(slots) times per call.
    /// </summary>
    private void CompactWhenDraining()
    {
        if (_next < _seqSeed.Length) return;
        var live = Enumerable.Range(0, (int)_slots).Where(b => _slotSeq[b] >= 0).ToArray();
        if (live.Length == 0 || live.Length * 2 > _slots) return;
        using var scope = NewDisposeScope();
        var keep = tensor(live.Select(b => (long)b).ToArray()).to(_model.Device);
        var cache = _cache.Select(keep);
        _cache.Dispose();
        _cache = cache;
        Tensor Take(Tensor t)
        {
            var taken = t.index_select(0, keep).DetachFromDisposeScope();
            t.Dispose();
            return taken;
        }
        _tok = Take(_tok);
        _pos = Take(_pos);
        _seedLo = Take(_seedLo);
        _seedHi = Take(_seedHi);
        _step = Take(_step);
        _out = Take(_out);
        _mask = Take(_mask);
        _open = Take(_open);
        _scanned += Enumerable.Range(0, (int)_slots).Where(b => _slotSeq[b] < 0).Sum(b => _slotScan[b]?.DecodedTokens ?? 0);
        _slotScan = live.Select(b => _slotScan[b]).ToArray();
        _slotSeq = live.Select(b => _slotSeq[b]).ToArray();
        _slotTokens = live.Select(b => _slotTokens[b]).ToArray();
        _slotLimit = live.Select(b => _slotLimit[b]).ToArray();
        _slotFirstPending = live.Select(b => _slotFirstPending[b]).ToArray();
        _slotPos = live.Select(b => _slotPos[b]).ToArray();
        _slots = live.Length;
    }

    private void DecodeChunk()
    {
        var active = Enumerable.Range(0, (int)_slots).Where(b => _slotSeq[b] >= 0).ToArray();
        // Slots that pass their limit inside a chunk decode a few throw-away tokens instead of
        // forcing an early synchronisation; their positions are clamped inside the cache.
        var steps = Math.Min(_syncInterval, active.Max(b => _slotLimit[b] - Known(b)));
        var maxPos = active.Max(b => _slotPos[b]);
        var device = _model.Device;
        using (var first = _out.select(1, 0)) first.copy_(_tok);
        // A chunk of no steps (every live sequence is one token long) only reads the first tokens.
        if (steps > 0)
        {
            using var chunk = NewDisposeScope();
            // Everything a step needs that depends on its position, for the whole chunk at once.
            var offsets = arange(steps, ScalarType.Int64, device).unsqueeze(1);
            var positions = (_pos.unsqueeze(0) + offsets).clamp_max_(_capacity - 1);
            var draws = _step.unsqueeze(0) + offsets;
            var (cos, sin) = _model.RopeRows(positions);
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                var position = positions.select(0, i);
                _mask.scatter_(1, position.unsqueeze(1), _open);
                var span = Math.Min(_width, (maxPos + i + 1 + SpanQuantum - 1) / SpanQuantum * SpanQuantum);
                var mask = _mask.narrow(1, 0, span).view(_slots, 1, 1, span);
                var logits = _model.Step(_tok, position, cos.select(0, i), sin.select(0, i), mask, _cache, span);
                var next = TokenSampler.Sample(logits, _sampling, _seedLo, _seedHi, draws.select(0, i));
                _out.select(1, i + 1).copy_(next);
                _tok.copy_(next);
                Steps++;
                AfterStep?.Invoke(i);
            }
            _pos.add_(steps).clamp_max_(_capacity - 1);
            _step.add_(steps);
        }
        long[] host;
        var width = steps + 1;
        using (var scope = NewDisposeScope()) host = _out.narrow(1, 0, width).contiguous().cpu().data<long>().ToArray();
        HostReads++;
        Chunks++;
        foreach (var b in active)
        {
            var from = _slotTokens[b].Count;
            if (_slotFirstPending[b])
            {
                _slotTokens[b].Add((int)host[b * width]);
                _slotFirstPending[b] = false;
            }
            for (var i = 1; i < width; i++) _slotTokens[b].Add((int)host[b * width + i]);
            _slotPos[b] += steps;
            CheckFinished(b, from);
        }
    }

    /// <summary>Tokens of slot <paramref name="b"/>'s sequence so far, its first one included while it is still on the device.</summary>
    private int Known(int b) => _slotTokens[b].Count + (_slotFirstPending[b] ? 1 : 0);

    private void CheckFinished(int slot, int from)
    {
        var seq = _slotSeq[slot];
        if (seq < 0) return;
        var tokens = _slotTokens[slot];
        var limit = _slotLimit[slot];
        FinishReason? finish = null;
        var end = tokens.Count;
        for (var j = from; j < Math.Min(tokens.Count, limit); j++)
        {
            if (_eos.Contains(tokens[j]))
            {
                finish = FinishReason.EndOfSequence;
                end = j + 1;
                break;
            }
        }
        if (finish is null && tokens.Count >= limit)
        {
            finish = FinishReason.Length;
            end = limit;
        }
        var textEnd = finish == FinishReason.EndOfSequence ? end - 1 : end;
        string? text = null;
        if (_slotScan[slot] is { } scan && scan.Advance(tokens, textEnd, out var stopped) is { } stopAt)
        {
            finish = FinishReason.Stop;
            end = stopAt;
            text = stopped;
        }
        if (finish is null) return;
        text ??= _tokenizer.Decode(tokens.GetRange(0, finish == FinishReason.EndOfSequence ? end - 1 : end));
        _results[seq] = new GeneratedSequence(tokens.GetRange(0, end).ToArray(), text, _prompts[_seqPrompt[seq]].Length, finish.Value);
        _slotSeq[slot] = -1;
    }

    private static void DisposePending((int Prompt, List<(Tensor Keys, Tensor Values)> Kv, Tensor Logits) pending)
    {
        foreach (var (k, v) in pending.Kv)
        {
            k.Dispose();
            v.Dispose();
        }
        pending.Logits.Dispose();
    }

    public void Dispose()
    {
        if (_pending is { } p) DisposePending(p);
        _pending = null;
        _cache.Dispose();
        foreach (var t in new[] { _tok, _pos, _seedLo, _seedHi, _step, _out, _mask, _open }) t.Dispose();
    }
}
