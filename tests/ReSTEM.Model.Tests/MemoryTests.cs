using System.Diagnostics;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Training;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

/// <summary>Long loops must hold flat memory: every tensor a step creates is released. Runs alone (live-tensor counts are process-wide).</summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests
{
    private const int Steps = 1000;

    // Tensors other code dropped without disposing are freed by finalizers; settle them first so counts compare.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the garbage collector held off, so a tensor a step forgot
    /// to dispose stays alive and shows in the live count instead of being finalized quietly.
    /// </summary>
    private static long LiveTensorsAfter(Action action)
    {
        var noGc = GC.TryStartNoGCRegion(200L << 20);
        try
        {
            action();
            return Tensor.TotalCount;
        }
        finally
        {
            if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    [Fact]
    public void A_thousand_decode_steps_leave_no_tensor_behind_and_memory_flat()
    {
        using var policy = TestModels.TinyPolicy(seed: 61, maxPositions: Steps + 16);
        var options = new SamplingOptions { Temperature = 0.8, TopK = 10, MaxNewTokens = Steps };
        GeneratedSequence Run()
        {
            using var noGrad = no_grad();
            // No EOS id: every sequence decodes all of its steps.
            using var run = new GenerationRun(policy.Model, policy.Tokenizer, [], [[1, 5, 6]], [[1L, 2L]], options, new GeneratorOptions());
            return run.Run(CancellationToken.None)[0];
        }
        Run();
        Settle();
        var rss = Rss();
        Run();
        Settle();
        Assert.True(Rss() - rss < 32L << 20, $"RSS grew by {(Rss() - rss) >> 20} MiB over {Steps} decode steps");
        var tensors = Tensor.TotalCount;
        GeneratedSequence? last = null;
        var after = LiveTensorsAfter(() => last = Run());
        Assert.Equal(Steps, last!.Tokens.Length);
        Assert.True(after <= tensors, $"{after - tensors} tensors more than before");
    }

    [Fact]
    public void A_thousand_training_steps_leave_no_tensor_behind_and_memory_flat()
    {
        using var policy = TestModels.TinyPolicy(seed: 67);
        var examples = Enumerable.Range(0, Steps).Select(i => new TrainingExample($"{i}?", $"{i * 7 % 13}")).ToArray();
        using var trainer = new Trainer(policy, new TrainingOptions { Epochs = 3, BatchSize = 1, WarmupSteps = 10 }, examples.Length);
        trainer.TrainEpoch(examples[..50], 0, null, CancellationToken.None);
        Settle();
        var rss = Rss();
        trainer.TrainEpoch(examples, 1, null, CancellationToken.None);
        Settle();
        Assert.True(Rss() - rss < 32L << 20, $"RSS grew by {(Rss() - rss) >> 20} MiB over {Steps} training steps");
        var tensors = Tensor.TotalCount;
        EpochReport? report = null;
        var after = LiveTensorsAfter(() => report = trainer.TrainEpoch(examples, 2, null, CancellationToken.None));
        Assert.Equal(Steps, report!.Steps);
        Assert.True(after <= tensors, $"{after - tensors} tensors more than before");
    }
}
