using ReSTEM.Core.Training;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

public sealed class TrainerTests
{
    private static readonly TrainingOptions Options = new()
    {
        Epochs = 1, LearningRate = 3e-3, WarmupSteps = 2, BatchSize = 4, GradientAccumulation = 1, MaxSequenceLength = 64, Seed = 3,
    };

    /// <summary>NLL of id j predicted from position j-1, for every j of the sequence, straight from the full logits.</summary>
    private static Tensor PerTokenNll(DecoderModel model, int[] ids)
    {
        var input = tensor(ids[..^1].Select(i => (long)i).ToArray(), [1, ids.Length - 1]);
        var logProbs = model.forward(input)[0].log_softmax(-1);
        return -logProbs.gather(1, tensor(ids[1..].Select(i => (long)i).ToArray()).unsqueeze(1)).squeeze(1);
    }

    [Fact]
    public void Token_layout_is_bos_prompt_completion_eos_and_loss_starts_at_the_first_completion_token()
    {
        using var policy = TestModels.TinyPolicy();
        using var trainer = new Trainer(policy, Options, 1);
        var e = trainer.Encode(new TrainingExample("ab", "cd", 0.5f));
        var tok = policy.Tokenizer;
        Assert.Equal(new[] { CharTokenizer.BosTokenId, tok.Encode("a")[0], tok.Encode("b")[0], tok.Encode("c")[0], tok.Encode("d")[0], CharTokenizer.EosTokenId }, e.Ids);
        Assert.Equal(3, e.LossStart);
        Assert.Equal(3, e.LossTokens);
        // Pre-training text: BOS then text, every text token and the EOS get loss.
        var text = trainer.Encode(new TrainingExample("", "xyz"));
        Assert.Equal(1, text.LossStart);
        Assert.Equal(4, text.LossTokens);
    }

    [Fact]
    public void Over_long_examples_lose_the_start_of_their_prompt_first()
    {
        using var policy = TestModels.TinyPolicy();
        using var trainer = new Trainer(policy, Options with { MaxSequenceLength = 8 }, 1);
        var tok = policy.Tokenizer;
        var e = trainer.Encode(new TrainingExample("0123456789", "ab"));
        Assert.True(e.Truncated);
        Assert.Equal([CharTokenizer.BosTokenId, .. tok.Encode("6789ab"), CharTokenizer.EosTokenId], e.Ids);
        Assert.Equal(5, e.LossStart);
        var longCompletion = trainer.Encode(new TrainingExample("xy", "abcdefghij"));
        Assert.Equal([CharTokenizer.BosTokenId, .. tok.Encode("abcdefg")], longCompletion.Ids);
        Assert.Equal(1, longCompletion.LossStart);
        // Training on examples truncated this way still works (every step keeps loss tokens).
        trainer.TrainEpoch([new TrainingExample("0123456789", "ab")], 0, null, CancellationToken.None);
        Assert.Equal(1, trainer.Step);
    }

    [Fact]
    public void Loss_equals_the_hand_computed_weighted_nll_of_completion_tokens_only()
    {
        using var policy = TestModels.TinyPolicy(seed: 21);
        using var trainer = new Trainer(policy, Options, 2);
        var examples = new[] { new TrainingExample("12+3=", "15", 1f), new TrainingExample("7*6=", "42!", 0.25f) };
        var encoded = examples.Select(trainer.Encode).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ours = trainer.BatchLossSum(encoded).item<float>();

        double hand = 0, withLastPromptToken = 0, withoutFirstCompletionToken = 0;
        foreach (var (e, w) in encoded.Zip(examples.Select(x => x.Weight)))
        {
            // nll[j-1] is the loss of id j; ids from LossStart on are the completion and the EOS.
            var nll = PerTokenNll(policy.Model, e.Ids).data<float>().ToArray();
            for (var j = e.LossStart; j < e.Ids.Length; j++) hand += w * nll[j - 1];
            for (var j = e.LossStart - 1; j < e.Ids.Length; j++) withLastPromptToken += w * nll[j - 1];
            for (var j = e.LossStart + 1; j < e.Ids.Length; j++) withoutFirstCompletionToken += w * nll[j - 1];
        }
        Assert.Equal(hand, ours, 4);
        // Both off-by-one mistakes would be visible at this precision.
        Assert.True(Math.Abs(withLastPromptToken - ours) > 1e-2);
        Assert.True(Math.Abs(withoutFirstCompletionToken - ours) > 1e-2);
        var evaluated = trainer.EvaluateLoss(examples);
        Assert.Equal(hand / encoded.Sum(e => e.LossTokens), evaluated, 4);
    }

    [Fact]
    public void Each_step_reports_the_gradient_norm_before_clipping()
    {
        using var policy = TestModels.TinyPolicy(seed: 29);
        var options = Options with { GradientClip = 1e-3 };
        using var trainer = new Trainer(policy, options, 1);
        var example = new TrainingExample("the prompt", "ok");
        var e = trainer.Encode(example);
        double expected;
        using (var scope = NewDisposeScope())
        {
            policy.Model.zero_grad();
            (trainer.BatchLossSum([e]) / e.LossTokens).backward();
            expected = Math.Sqrt(policy.Model.parameters().Sum(p => (double)p.grad!.pow(2).sum().item<float>()));
            policy.Model.zero_grad();
        }
        var reports = new List<TrainingProgress>();

        trainer.TrainEpoch([example], 0, new SynchronousProgress(reports), CancellationToken.None);

        var step = Assert.Single(reports);
        Assert.True(expected > options.GradientClip * 10, $"the norm {expected} should exceed the clip by far");
        Assert.Equal(expected, step.GradNorm, expected * 1e-4);
    }

    [Fact]
    public void Prompt_tokens_contribute_zero_gradient_and_the_first_completion_token_does_contribute()
    {
        using var policy = TestModels.TinyPolicy(seed: 23);
        using var trainer = new Trainer(policy, Options, 1);
        var e = trainer.Encode(new TrainingExample("the prompt", "ok"));
        var parameters = policy.Model.parameters().ToArray();

        Tensor[] Gradient(Func<Tensor> loss)
        {
            policy.Model.zero_grad();
            loss().backward();
            return parameters.Select(p => p.grad!.clone()).ToArray();
        }
        static double Distance(Tensor[] a, Tensor[] b) => a.Zip(b).Sum(x => (x.First - x.Second).pow(2).sum().item<float>());

        using var scope = NewDisposeScope();
        var ours = Gradient(() => trainer.BatchLossSum([e]));
        var completionOnly = Gradient(() => PerTokenNll(policy.Model, e.Ids).narrow(0, e.LossStart - 1, e.LossTokens).sum());
        var promptOnly = Gradient(() => PerTokenNll(policy.Model, e.Ids).narrow(0, 0, e.LossStart - 1).sum());
        var firstCompletion = Gradient(() => PerTokenNll(policy.Model, e.Ids).narrow(0, e.LossStart - 1, 1).sum());
        var norm = ours.Sum(g => g.pow(2).sum().item<float>());

        Assert.True(Distance(ours, completionOnly) < 1e-8 * Math.Max(1, norm), "gradient differs from the completion-only loss");
        // The prompt's own NLL terms have a real gradient, which ours must not contain...
        var withPrompt = ours.Zip(promptOnly).Select(x => x.First + x.Second).ToArray();
        Assert.True(Distance(withPrompt, completionOnly) > 1e-4 * norm);
        // ...and the first completion token's term is part of ours: removing it changes the gradient.
        var withoutFirst = ours.Zip(firstCompletion).Select(x => x.First - x.Second).ToArray();
        Assert.True(Distance(withoutFirst, ours) > 1e-4 * norm);
        policy.Model.zero_grad();
    }

    [Fact]
    public void A_short_training_run_lowers_the_loss_on_toy_text()
    {
        using var policy = TestModels.TinyPolicy(seed: 29);
        var examples = Enumerable.Range(0, 64).Select(i => new TrainingExample($"{i % 10}+{i % 7}=", $"{i % 10 + i % 7}.")).ToArray();
        var options = Options with { Epochs = 6, LearningRate = 1e-2, BatchSize = 16, WeightDecay = 0.0 };
        using var trainer = new Trainer(policy, options, examples.Length);
        var before = trainer.EvaluateLoss(examples);
        EpochReport? last = null;
        var reports = new List<TrainingProgress>();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
            last = trainer.TrainEpoch(examples, epoch, new SynchronousProgress(reports), CancellationToken.None);
        var after = trainer.EvaluateLoss(examples);
        Assert.True(after < 0.6 * before, $"loss {before:F3} -> {after:F3}");
        Assert.Equal(trainer.TotalSteps, trainer.Step);
        Assert.Equal(options.Epochs * 4, trainer.TotalSteps);
        Assert.Equal(trainer.TotalSteps, reports.Count);
        Assert.True(last!.TokensPerSecond > 0);
        Assert.Equal(options.LearningRate * options.MinLearningRateRatio, reports[^1].LearningRate, 9);
    }

    [Fact]
    public void Weight_decay_touches_matrices_only()
    {
        using var policy = Policy.CreateRandom(
            TestModels.TinyConfig() with { AttentionBias = true, ModelType = "qwen2" }, new CharTokenizer(), DeviceOptions.Cpu, 5);
        using var trainer = new Trainer(policy, Options, 1);
        var groups = trainer.DecayGroups.ToArray();
        Assert.All(groups, g => Assert.Equal(g.Param.dim() >= 2, g.Decay));
        Assert.Contains(groups, g => g.Decay);
        Assert.Contains(groups, g => !g.Decay && g.Param.dim() == 1);

        // With zero gradients, one AdamW step only shrinks decayed tensors, by exactly (1 - lr*wd).
        using var scope = NewDisposeScope();
        var snapshot = groups.Select(g => g.Param.detach().clone()).ToArray();
        foreach (var (p, _) in groups) p.grad = zeros_like(p);
        var optimizer = new AdamW(groups.Select(g => g.Param), 0.9, 0.95, weightDecay: 0.5);
        optimizer.Step(lr: 0.1, maxNorm: 0);
        for (var i = 0; i < groups.Length; i++)
        {
            var expected = groups[i].Decay ? snapshot[i] * (1 - 0.1 * 0.5) : snapshot[i];
            Assert.True(groups[i].Param.detach().allclose(expected, rtol: 1e-6, atol: 1e-7), $"parameter {i} (dim {groups[i].Param.dim()})");
        }
        optimizer.Dispose();
        policy.Model.zero_grad();
    }

    [Fact]
    public void AdamW_with_clipping_matches_torch_reference_optimizer()
    {
        using var ours = TestModels.TinyPolicy(seed: 71);
        using var reference = TestModels.TinyPolicy(seed: 71);
        var e = new TrainingExample("1+2=", "3");
        using var trainer = new Trainer(ours, Options, 1);
        var encoded = trainer.Encode(e);
        var oursParams = ours.Model.parameters().ToArray();
        var refParams = reference.Model.parameters().ToArray();
        using var optimizer = new AdamW(oursParams, 0.9, 0.95, weightDecay: 0.5);
        var torchOptimizer = optim.AdamW(new[]
        {
            new TorchSharp.Modules.AdamW.ParamGroup(refParams.Where(p => p.dim() >= 2), lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.5),
            new TorchSharp.Modules.AdamW.ParamGroup(refParams.Where(p => p.dim() < 2), lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8, weight_decay: 0.0),
        });
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            ours.Model.zero_grad();
            (trainer.BatchLossSum([encoded]) * 10).backward();
            optimizer.Step(0.01, maxNorm: 0.5);

            reference.Model.zero_grad();
            (PerTokenNll(reference.Model, encoded.Ids).narrow(0, encoded.LossStart - 1, encoded.LossTokens).sum() * 10).backward();
            nn.utils.clip_grad_norm_(refParams, 0.5);
            torchOptimizer.step();
        }
        using var check = NewDisposeScope();
        // Parameters move by ~3e-2; Adam turns float noise in near-zero gradients into ~1e-6 differences.
        for (var i = 0; i < oursParams.Length; i++)
            Assert.True(oursParams[i].allclose(refParams[i], rtol: 1e-4, atol: 3e-5), $"parameter {i} differs by {(oursParams[i] - refParams[i]).abs().max().item<float>()}");
        Assert.False(oursParams[0].allclose(TestModels.TinyPolicy(seed: 71).Model.parameters().First(), rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void The_schedule_warms_up_linearly_then_decays_by_cosine_to_the_floor()
    {
        var s = new LearningRateSchedule(1.0, 0.1, 4, 15);
        Assert.Equal(0.25, s.At(0), 9);
        Assert.Equal(1.0, s.At(3), 9);
        Assert.Equal(1.0, s.At(4), 9);
        Assert.Equal(0.55, s.At(9), 9);
        Assert.Equal(0.1, s.At(14), 9);
        using var policy = TestModels.TinyPolicy();
        using var trainer = new Trainer(policy, Options with { Epochs = 3, BatchSize = 4, GradientAccumulation = 2 }, 17);
        Assert.Equal(3, trainer.StepsPerEpoch);
        Assert.Equal(9, trainer.TotalSteps);
    }

    [Fact]
    public void Gradient_accumulation_matches_one_big_batch()
    {
        var examples = Enumerable.Range(0, 8).Select(i => new TrainingExample($"p{i}", $"completion {i}")).ToArray();
        string Train(int batch, int accumulation)
        {
            using var policy = TestModels.TinyPolicy(seed: 31);
            // One window of length-sorted batches: the same 8 examples make one optimizer step either way.
            using var trainer = new Trainer(policy, Options with { BatchSize = batch, GradientAccumulation = accumulation, WarmupSteps = 0 }, examples.Length);
            trainer.TrainEpoch(examples, 0, null, CancellationToken.None);
            using var scope = NewDisposeScope();
            return string.Join(",", policy.Model.parameters().Select(p => p.sum().item<float>().ToString("F4")));
        }
        Assert.Equal(Train(8, 1), Train(2, 4));
    }

    [Fact]
    public void Cancellation_stops_an_epoch_without_applying_the_interrupted_step()
    {
        using var policy = TestModels.TinyPolicy(seed: 73);
        var digest = policy.WeightsDigest();
        using var trainer = new Trainer(policy, Options, 8);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            trainer.TrainEpoch(Enumerable.Range(0, 8).Select(i => new TrainingExample($"{i}", "x")).ToArray(), 0, null, cts.Token));
        Assert.Equal(0, trainer.Step);
        Assert.Equal(digest, policy.WeightsDigest());
    }

    private sealed class SynchronousProgress(List<TrainingProgress> sink) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => sink.Add(value);
    }
}
