using System.Diagnostics;
using ReSTEM.Core.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ReSTEM.Model;

/// <summary>
/// Supervised fine-tuning of a <see cref="Policy"/> in place (the M-step, SFT baselines, the
/// built-in model's pre-training): reward-weighted NLL over completion tokens and the EOS after
/// them, AdamW with decay on matrices only, linear warm-up then cosine decay, global-norm
/// clipping, gradient accumulation, length-bucketed batches. An example is laid out as
/// [BOS?] Encode(prompt) Encode(completion) [EOS]; prompt tokens carry no loss, the first
/// completion token does.
/// </summary>
public sealed class Trainer : IDisposable
{
    private const int PadMultiple = 8;
    private const int BucketBatches = 16;

    private readonly Policy _policy;
    private readonly TrainingOptions _options;
    private readonly AdamW _optimizer;
    private int _step;

    /// <summary>Prepares training of <paramref name="policy"/> on <paramref name="exampleCount"/> examples per epoch.</summary>
    public Trainer(Policy policy, TrainingOptions options, int exampleCount)
    {
        options.Validate();
        policy.RefuseInferenceOnly("trained");
        if (exampleCount < 1) throw new ArgumentException($"the example count must be >= 1, got {exampleCount}", nameof(exampleCount));
        _policy = policy;
        _options = options;
        StepsPerEpoch = (int)((exampleCount + (long)options.BatchSize * options.GradientAccumulation - 1) / ((long)options.BatchSize * options.GradientAccumulation));
        TotalSteps = options.Epochs * StepsPerEpoch;
        Schedule = new LearningRateSchedule(options.LearningRate, options.MinLearningRateRatio, options.WarmupSteps, TotalSteps);
        _optimizer = new AdamW(policy.Model.parameters(), options.Beta1, options.Beta2, options.WeightDecay);
    }

    /// <summary>Optimizer steps in one epoch: ceil(examples / (batch size x accumulation)).</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Optimizer steps of the whole run: epochs x <see cref="StepsPerEpoch"/>.</summary>
    public int TotalSteps { get; }

    /// <summary>Optimizer steps done so far.</summary>
    public int Step => _step;

    /// <summary>The learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>Parameters that get weight decay (true) or not (false), by HF-free internal name.</summary>
    internal IEnumerable<(TorchSharp.Modules.Parameter Param, bool Decay)> DecayGroups => _optimizer.Groups;

    /// <summary>
    /// One pass over <paramref name="examples"/>, shuffled by (seed, epoch) into length-bucketed
    /// batches. Honours cancellation between micro-batches (an interrupted step is not applied).
    /// </summary>
    public EpochReport TrainEpoch(IReadOnlyList<TrainingExample> examples, int epoch, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        if (examples.Count == 0) throw new ArgumentException("no examples to train on", nameof(examples));
        var encoded = examples.Select(Encode).ToArray();
        var truncated = encoded.Count(e => e.Truncated);
        var batches = Batches(encoded, epoch);
        var model = _policy.Model;
        model.train();
        var clock = Stopwatch.StartNew();
        long tokens = 0, lossTokens = 0;
        double lossSum = 0, lr = 0;
        var steps = 0;
        try
        {
            for (var first = 0; first < batches.Count; first += _options.GradientAccumulation)
            {
                var group = batches.Skip(first).Take(_options.GradientAccumulation).ToArray();
                var stepTokens = group.Sum(b => b.Sum(e => (long)e.LossTokens));
                lr = Schedule.At(Math.Min(_step, TotalSteps - 1));
                model.zero_grad();
                // The step's loss is summed on the device and read once after the update, so the
                // host never waits for the device between micro-batches.
                using var stepLossSum = zeros([], ScalarType.Float32, model.Device);
                foreach (var batch in group)
                {
                    ct.ThrowIfCancellationRequested();
                    tokens += batch.Sum(e => (long)e.Ids.Length);
                    if (batch.All(e => e.LossTokens == 0)) continue;
                    using var scope = NewDisposeScope();
                    var loss = BatchLossSum(batch) / Math.Max(1, stepTokens);
                    loss.backward();
                    stepLossSum.add_(loss.detach());
                }
                // A step whose examples lost all completion tokens to truncation has nothing to learn from.
                if (stepTokens > 0) _optimizer.Step(lr, _options.GradientClip);
                var stepLoss = (double)stepLossSum.item<float>();
                var gradNorm = stepTokens > 0 ? (double)_optimizer.GradNorm.item<float>() : 0;
                model.zero_grad();
                _step++;
                steps++;
                lossSum += stepLoss;
                lossTokens += stepTokens;
                progress?.Report(new TrainingProgress(epoch, _step, TotalSteps, stepLoss, lr, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds), gradNorm));
            }
        }
        finally
        {
            model.zero_grad();
            model.eval();
        }
        var elapsed = clock.Elapsed;
        return new EpochReport(epoch, _step, steps, steps == 0 ? double.NaN : lossSum / steps, lr, tokens, lossTokens,
            tokens / Math.Max(1e-9, elapsed.TotalSeconds), elapsed, truncated);
    }

    /// <summary>Reward-weighted NLL per loss token over <paramref name="examples"/>, without changing the weights.</summary>
    public double EvaluateLoss(IReadOnlyList<TrainingExample> examples)
    {
        var encoded = examples.Select(Encode).Where(e => e.LossTokens > 0).ToArray();
        var total = encoded.Sum(e => (long)e.LossTokens);
        if (total == 0) return double.NaN;
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var batch in encoded.OrderBy(e => e.Ids.Length).Chunk(_options.BatchSize))
        {
            using var scope = NewDisposeScope();
            sum += BatchLossSum(batch).item<float>();
        }
        return sum / total;
    }

    /// <summary>
    /// The token layout of one example: ids, the index of the first id that carries loss, and
    /// whether it was cut to the maximum length.
    /// </summary>
    internal EncodedExample Encode(TrainingExample example)
    {
        var tokenizer = _policy.Tokenizer;
        var prompt = tokenizer.Encode(example.Prompt).ToArray();
        // A prompt that starts with the BOS text itself (a Llama 3 chat prompt) gets no second one.
        var head = tokenizer.BosId is { } bos && (prompt.Length == 0 || prompt[0] != bos) ? new[] { bos } : [];
        var completion = tokenizer.Encode(example.Completion);
        var tail = tokenizer.EosId is { } eos ? [.. completion, eos] : completion.ToArray();
        var max = _options.MaxSequenceLength;
        var truncated = head.Length + prompt.Length + tail.Length > max;
        if (truncated)
        {
            // Keep what is learned from: drop the start of the prompt first (its end is the
            // completion's context), and cut the completion's end only when it alone is too long.
            var promptRoom = Math.Max(0, max - head.Length - tail.Length);
            prompt = prompt[Math.Max(0, prompt.Length - promptRoom)..];
            if (head.Length + prompt.Length + tail.Length > max) tail = tail[..Math.Max(0, max - head.Length - prompt.Length)];
        }
        int[] ids = [.. head, .. prompt, .. tail];
        // The first id cannot be predicted (nothing precedes it), so with neither BOS nor prompt the loss starts at the second.
        var lossStart = Math.Max(1, head.Length + prompt.Length);
        return new EncodedExample(ids, lossStart, example.Weight, truncated);
    }

    /// <summary>
    /// Sum over the batch's loss tokens of weight x NLL, where the logits at position t predict
    /// id t+1 and id j carries loss when j >= the example's loss start.
    /// </summary>
    internal Tensor BatchLossSum(IReadOnlyList<EncodedExample> batch)
    {
        var model = _policy.Model;
        var device = model.Device;
        var width = batch.Max(e => e.Ids.Length) - 1;
        width = Math.Max(1, (width + PadMultiple - 1) / PadMultiple * PadMultiple);
        var inputs = new long[batch.Count * width];
        Array.Fill(inputs, _policy.Tokenizer.PadId);
        var positions = new List<long>();
        var targets = new List<long>();
        var weights = new List<float>();
        for (var r = 0; r < batch.Count; r++)
        {
            var e = batch[r];
            for (var t = 0; t < e.Ids.Length - 1; t++) inputs[r * width + t] = e.Ids[t];
            for (var t = e.LossStart - 1; t < e.Ids.Length - 1; t++)
            {
                positions.Add(r * width + t);
                targets.Add(e.Ids[t + 1]);
                weights.Add(e.Weight);
            }
        }
        if (positions.Count == 0) return zeros([], ScalarType.Float32, device, requires_grad: false);
        var hidden = model.Hidden(tensor(inputs, [batch.Count, width], ScalarType.Int64).to(device));
        // Project to the vocabulary only where a loss is taken: prompts and padding never reach the output layer.
        var selected = hidden.reshape(-1, hidden.shape[2]).index_select(0, tensor(positions.ToArray()).to(device));
        var nll = F.cross_entropy(model.LmHead(selected), tensor(targets.ToArray()).to(device), reduction: nn.Reduction.None);
        return (nll * tensor(weights.ToArray()).to(device)).sum();
    }

    private List<EncodedExample[]> Batches(EncodedExample[] encoded, int epoch)
    {
        var random = new Random(unchecked((int)TokenSampler.SeedKeys(_options.Seed * 1_000_003 + epoch).Lo));
        var order = Enumerable.Range(0, encoded.Length).ToArray();
        random.Shuffle(order);
        // Sort within windows of a few batches by length so batches hold similar lengths (little
        // padding) while the data order stays random; then shuffle the batches themselves.
        var batches = new List<EncodedExample[]>();
        foreach (var window in order.Chunk(_options.BatchSize * BucketBatches))
        {
            var sorted = window.OrderByDescending(i => encoded[i].Ids.Length).ThenBy(i => i).Select(i => encoded[i]);
            batches.AddRange(sorted.Chunk(_options.BatchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}
