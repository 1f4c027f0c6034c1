using System.Diagnostics;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Training;
using ReSTEM.Model;
using static TorchSharp.torch;
using Generator = ReSTEM.Model.Generator;

namespace ReSTEM.Bench;

/// <summary>
/// <c>model</c>: decode and training throughput of the model engine. On the CPU: the built-in
/// ~0.8M-parameter char model (d=128, 4 layers). On CUDA: a randomly initialised
/// Qwen2-0.5B-shaped model in bfloat16 at 1 / 256 / 1024 concurrent sequences (128-token prompts,
/// 256 new tokens, top-k 40, T 0.7) and training on 8 x 1024 tokens. Sequences never stop early
/// (no EOS), so every sequence produces all of its new tokens.
/// Options: <c>--quick</c> (fewer sequences and steps), <c>--cpu-only</c>, <c>--gpu-only</c>, <c>--threads N</c> (torch CPU threads),
/// <c>--check-cuda</c> (CPU vs CUDA agreement and bf16 training, exit code 1 on a mismatch).
/// </summary>
internal static class ModelBench
{
    public static int Run(string[] args)
    {
        DeviceResolver.ConfigureCpuRuntime();
        var quick = args.Contains("--quick");
        var cpuOnly = args.Contains("--cpu-only");
        var gpuOnly = args.Contains("--gpu-only");
        var threads = (int)BenchArguments.Number(args, "--threads", 0);
        if (threads > 0) set_num_threads(threads);
        Console.WriteLine($"model engine benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, torch threads {get_num_threads()}");
        if (args.Contains("--check-cuda")) return CheckCuda();
        if (!gpuOnly) RunCpu(quick);
        if (!cpuOnly) RunCuda(quick);
        return 0;
    }

    /// <summary>
    /// On a CUDA machine: the same random model on the CPU and on CUDA (float32, then bfloat16)
    /// must agree on greedy tokens and loss, and bf16 training must lower the loss. Exit code 1 on a mismatch.
    /// </summary>
    private static int CheckCuda()
    {
        if (!DeviceResolver.IsCudaAvailable(out var why))
        {
            Console.WriteLine($"check-cuda: no usable CUDA ({why})");
            return 1;
        }
        var tokenizer = new CharTokenizer();
        var config = ModelConfig.BuiltIn(tokenizer.VocabSize, hidden: 64, layers: 2, heads: 4, kvHeads: 2, intermediate: 128, maxPositions: 256);
        var dir = Path.Combine(Path.GetTempPath(), "restem-check-cuda-" + Guid.NewGuid().ToString("N"));
        using (var seedPolicy = Policy.CreateRandom(config, tokenizer, DeviceOptions.Cpu, 3)) seedPolicy.Save(dir);
        var examples = Enumerable.Range(0, 64).Select(i => new TrainingExample($"{i % 10}+{i % 7}=", $"{i % 10 + i % 7}.")).ToArray();
        var request = new[] { new CompletionRequest("3+4=", [1L, 2L, 3L]) };
        var greedy = new SamplingOptions { Temperature = 0, MaxNewTokens = 24 };
        var ok = true;

        using var cpu = Policy.Load(dir, DeviceOptions.Cpu);
        var cpuText = new Generator(cpu, new GeneratorOptions(), "cpu").Generate(request, greedy, CancellationToken.None)[0][0].Text;
        double cpuLoss;
        using (var t = new Trainer(cpu, new TrainingOptions(), examples.Length)) cpuLoss = t.EvaluateLoss(examples);
        foreach (var dtype in new[] { "float32", "bfloat16" })
        {
            using var gpu = Policy.Load(dir, new DeviceOptions { Device = "cuda", DType = dtype });
            var text = new Generator(gpu, new GeneratorOptions(), "gpu").Generate(request, greedy, CancellationToken.None)[0][0].Text;
            using var trainer = new Trainer(gpu, new TrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 1e-2 }, examples.Length);
            var before = trainer.EvaluateLoss(examples);
            for (var e = 0; e < 3; e++) trainer.TrainEpoch(examples, e, null, CancellationToken.None);
            var after = trainer.EvaluateLoss(examples);
            var sampled = new Generator(gpu, new GeneratorOptions(), "gpu").Generate(request, new SamplingOptions { MaxNewTokens = 16 }, CancellationToken.None)[0];
            var sameText = text == cpuText;
            var lossClose = Math.Abs(before - cpuLoss) < (dtype == "float32" ? 1e-3 : 5e-2);
            var learned = after < before;
            Console.WriteLine($"check-cuda {dtype}: greedy {(sameText ? "matches" : "DIFFERS from")} the CPU; loss {before:F4} vs CPU {cpuLoss:F4}; after 3 epochs {after:F4}; {sampled.Count} sampled completions; {gpu.Device.Explanation}");
            // bf16 rounding may legitimately change a near-tie greedy token; float32 must match.
            ok &= (sameText || dtype != "float32") && lossClose && learned && sampled.Count == 3;
        }
        Directory.Delete(dir, recursive: true);
        Console.WriteLine(ok ? "check-cuda: ok" : "check-cuda: FAILED");
        return ok ? 0 : 1;
    }

    private static void RunCpu(bool quick)
    {
        var tokenizer = new CharTokenizer();
        var config = ModelConfig.BuiltIn(tokenizer.VocabSize, hidden: 128, layers: 4, heads: 4, kvHeads: 4, intermediate: 352, maxPositions: 512);
        using var policy = Policy.CreateRandom(config, tokenizer, DeviceOptions.Cpu, seed: 1);
        Console.WriteLine($"CPU: built-in char model, {policy.ParameterCount:N0} parameters ({policy.Device.Explanation})");
        foreach (var sequences in quick ? new[] { 1, 64 } : [1, 64, 256])
            Decode(policy, sequences, promptTokens: 128, newTokens: quick ? 64 : 256);
        Train(policy, batch: 64, sequenceTokens: 96, steps: quick ? 5 : 30);
    }

    private static void RunCuda(bool quick)
    {
        if (!DeviceResolver.IsCudaAvailable(out var why))
        {
            Console.WriteLine($"CUDA: skipped, no usable CUDA ({why}). The GPU rows need a CUDA libtorch (RESTEM_LIBTORCH or an installed PyTorch).");
            return;
        }
        var config = ModelShapes.Qwen2Half;
        using var policy = Policy.CreateRandom(config, new CharTokenizer(), new DeviceOptions { Device = "cuda", DType = "bfloat16" }, seed: 1);
        Console.WriteLine($"CUDA: Qwen2-0.5B-shaped random model, {policy.ParameterCount:N0} parameters ({policy.Device.Explanation})");
        foreach (var sequences in quick ? new[] { 1, 256 } : [1, 256, 1024])
            Decode(policy, sequences, promptTokens: 128, newTokens: quick ? 64 : 256);
        Train(policy, batch: 8, sequenceTokens: 1024, steps: quick ? 3 : 10);
    }

    private static void Decode(Policy policy, int sequences, int promptTokens, int newTokens)
    {
        var options = new SamplingOptions { Temperature = 0.7, TopK = 40, MaxNewTokens = newTokens };
        var generatorOptions = new GeneratorOptions { MaxConcurrentSequences = sequences };
        var random = new Random(sequences);
        var vocab = policy.Tokenizer.VocabSize;
        var prompts = Enumerable.Range(0, sequences).Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(4, vocab)).ToArray()).ToArray();
        var seeds = prompts.Select((_, i) => (IReadOnlyList<long>)[i]).ToArray();

        var steps = 0;
        var reads = 0;
        long Once(int[][] p, IReadOnlyList<long>[] s, SamplingOptions o)
        {
            using var noGrad = no_grad();
            policy.Model.FreezeComputeWeights();
            try
            {
                using var run = new GenerationRun(policy.Model, policy.Tokenizer, [], p, s, o, generatorOptions);
                var made = run.Run(CancellationToken.None).Sum(g => (long)g.Tokens.Length);
                (steps, reads) = (run.Steps, run.HostReads);
                return made;
            }
            finally
            {
                policy.Model.ReleaseComputeWeights();
            }
        }

        Once(prompts, seeds, options with { MaxNewTokens = 8 });
        Synchronize(policy);
        var clock = Stopwatch.StartNew();
        var cpu = CpuSeconds();
        var tokens = Once(prompts, seeds, options);
        Synchronize(policy);
        var seconds = clock.Elapsed.TotalSeconds;
        cpu = CpuSeconds() - cpu;
        Console.WriteLine($"  decode  {sequences,5} seqs x {newTokens} new tokens (prompt {promptTokens}, top-k 40, T 0.7): {tokens / seconds,12:N0} new tokens/s  "
            + $"({seconds:F2} s wall, {cpu:F2} s CPU, prefill included; {steps} steps, {seconds * 1e3 / Math.Max(1, steps):F2} ms/step, {reads} host reads)");
    }

    private static void Train(Policy policy, int batch, int sequenceTokens, int steps)
    {
        // Pre-training layout: BOS + text + EOS, so text of (sequenceTokens - 1) chars gives sequenceTokens inputs.
        var random = new Random(5);
        string Text() => new(Enumerable.Range(0, sequenceTokens - 1).Select(_ => (char)random.Next(32, 127)).ToArray());
        var warmup = Enumerable.Range(0, batch * 2).Select(_ => new TrainingExample("", Text())).ToArray();
        var examples = Enumerable.Range(0, batch * steps).Select(_ => new TrainingExample("", Text())).ToArray();
        var options = new TrainingOptions { Epochs = 1, BatchSize = batch, MaxSequenceLength = sequenceTokens + 1, WarmupSteps = 2, LearningRate = 1e-4 };
        using (var trainer = new Trainer(policy, options, warmup.Length)) trainer.TrainEpoch(warmup, 0, null, CancellationToken.None);
        Synchronize(policy);
        using var timed = new Trainer(policy, options, examples.Length);
        var cpu = CpuSeconds();
        var report = timed.TrainEpoch(examples, 0, null, CancellationToken.None);
        Synchronize(policy);
        cpu = CpuSeconds() - cpu;
        Console.WriteLine($"  train   batch {batch} x {sequenceTokens} tokens, AdamW, {report.Steps} steps: {report.TokensPerSecond,12:N0} tokens/s  ({report.Elapsed.TotalSeconds:F2} s wall, {cpu:F2} s CPU, loss {report.Loss:F3})");
    }

    // CPU time of the whole process: on a machine shared with other work, wall time alone says little.
    private static double CpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static void Synchronize(Policy policy)
    {
        if (policy.Device.IsCuda) cuda.synchronize(policy.Device.Device);
    }
}
