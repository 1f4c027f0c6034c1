using ReSTEM.Core.Sampling;
using ReSTEM.Core.Training;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

/// <summary>One copy of the weights per device: leases, loads and freeing.</summary>
public sealed class ResidentPoliciesTests
{
    private static string Checkpoint => TestModels.DataDir("tiny-qwen2");

    [Fact]
    public void Two_leases_on_one_checkpoint_share_one_policy_loaded_once()
    {
        var (registry, loads) = Counting();
        using var a = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        using var b = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        Assert.Same(a.Policy, b.Policy);
        Assert.Equal(1, loads());
        Assert.Equal(1, registry.Resident);
        Assert.True(a.Policy.InferenceOnly);
    }

    [Fact]
    public void Another_checkpoint_is_another_policy()
    {
        var (registry, loads) = Counting();
        var copy = TestModels.TempDir();
        foreach (var file in Directory.GetFiles(Checkpoint)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        using var a = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        using var b = registry.Acquire(Checkpoint, "iter-1", DeviceOptions.Cpu);
        using var c = registry.Acquire(copy, "iter-0", DeviceOptions.Cpu);
        Assert.NotSame(a.Policy, b.Policy);
        Assert.NotSame(a.Policy, c.Policy);
        Assert.Equal(3, loads());
        Assert.Equal(3, registry.Resident);
    }

    [Fact]
    public void The_last_lease_frees_the_weights_and_a_new_lease_loads_again()
    {
        var (registry, loads) = Counting();
        var a = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        var b = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        var weight = a.Policy.Model.parameters().First();
        Assert.False(weight.IsInvalid);

        a.Dispose();
        a.Dispose();
        Assert.False(weight.IsInvalid);
        Assert.Equal(1, registry.Resident);

        b.Dispose();
        Assert.True(weight.IsInvalid);
        Assert.Equal(0, registry.Resident);

        using var again = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        Assert.Equal(2, loads());
        Assert.NotSame(a.Policy, again.Policy);
        Assert.False(again.Policy.Model.parameters().First().IsInvalid);
    }

    [Fact]
    public void Leases_taken_at_once_on_many_threads_load_the_policy_once()
    {
        var loads = 0;
        var registry = new ResidentPolicies((dir, device) =>
        {
            Interlocked.Increment(ref loads);
            // A slow load keeps every other thread waiting on it, as a large model does.
            Thread.Sleep(300);
            return Policy.LoadOn(dir, device, inferenceOnly: true, withDigest: false);
        });
        const int threads = 8;
        using var start = new Barrier(threads);
        var leases = new PolicyLease[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            leases[i] = registry.Acquire(Checkpoint, "iter-0", DeviceOptions.Cpu);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Equal(1, loads);
        Assert.All(leases, l => Assert.Same(leases[0].Policy, l.Policy));
        var weight = leases[0].Policy.Model.parameters().First();
        Parallel.ForEach(leases, l => l.Dispose());
        Assert.True(weight.IsInvalid);
        Assert.Equal(0, registry.Resident);
    }

    [Fact]
    public void A_failed_load_leaves_nothing_resident_and_the_next_request_loads_again()
    {
        var (registry, loads) = Counting();
        var missing = Path.Combine(TestModels.TempDir(), "absent");
        Assert.Throws<DirectoryNotFoundException>(() => registry.Acquire(missing, "iter-0", DeviceOptions.Cpu));
        Assert.Equal(0, registry.Resident);
        Directory.CreateDirectory(missing);
        foreach (var file in Directory.GetFiles(Checkpoint)) File.Copy(file, Path.Combine(missing, Path.GetFileName(file)));
        using var lease = registry.Acquire(missing, "iter-0", DeviceOptions.Cpu);
        Assert.Equal(2, loads());
        Assert.Equal(1, registry.Resident);
    }

    [Fact]
    public void An_inference_only_policy_refuses_training_cloning_and_saving()
    {
        using var policy = Policy.LoadForInference(Checkpoint, DeviceOptions.Cpu);
        Assert.True(policy.InferenceOnly);
        var training = Assert.Throws<InvalidOperationException>(() => new Trainer(policy, new TrainingOptions(), 4));
        Assert.Contains("inference only", training.Message);
        Assert.Contains("cannot be trained", training.Message);
        Assert.Contains("cannot be cloned", Assert.Throws<InvalidOperationException>(() => policy.Clone()).Message);
        Assert.Contains("cannot be saved", Assert.Throws<InvalidOperationException>(() => policy.Save(TestModels.TempDir())).Message);
        using var full = Policy.Load(Checkpoint, DeviceOptions.Cpu);
        Assert.False(full.InferenceOnly);
        using var trainer = new Trainer(full, new TrainingOptions(), 4);
        Assert.True(trainer.TotalSteps > 0);
    }

    [Theory]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-llama")]
    public void On_the_cpu_an_inference_load_is_bit_identical_to_a_full_load(string name)
    {
        using var full = Policy.Load(TestModels.DataDir(name), DeviceOptions.Cpu);
        using var inference = Policy.LoadForInference(TestModels.DataDir(name), DeviceOptions.Cpu);
        Assert.Equal(ScalarType.Float32, inference.Model.WeightType);
        Assert.Equal(full.WeightsDigest(), inference.WeightsDigest());
        AssertSame(Logits(full), Logits(inference));
        var request = new[] { new CompletionRequest("the quick", [3L, 4L]) };
        var options = new SamplingOptions { Temperature = 0.7, TopK = 40, MaxNewTokens = 12 };
        Assert.Equal(
            new Generator(full, new GeneratorOptions(), "a").Generate(request, options, CancellationToken.None)[0].Select(c => c.Text),
            new Generator(inference, new GeneratorOptions(), "a").Generate(request, options, CancellationToken.None)[0].Select(c => c.Text));
    }

    [Fact]
    public void Weights_cast_to_bfloat16_at_load_compute_what_float32_master_weights_cast_at_use_compute()
    {
        var bf16 = new ResolvedDevice(CPU, ScalarType.BFloat16, "cpu bfloat16 (test)");
        using var master = Policy.LoadOn(Checkpoint, bf16, inferenceOnly: false, withDigest: false);
        using var inference = Policy.LoadOn(Checkpoint, bf16, inferenceOnly: true, withDigest: false);
        Assert.Equal(ScalarType.Float32, master.Model.WeightType);
        Assert.All(inference.Model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        AssertSame(Logits(master), Logits(inference));

        // Generation freezes bfloat16 copies of the master weights; the inference model is used as it is.
        var prompt = new[] { new[] { 5, 9, 17, 2 } };
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 10 };
        Assert.Equal(
            new Generator(master, new GeneratorOptions(), "a").GenerateIds(prompt, [[0L]], options, CancellationToken.None)[0][0].Tokens,
            new Generator(inference, new GeneratorOptions(), "a").GenerateIds(prompt, [[0L]], options, CancellationToken.None)[0][0].Tokens);
    }

    [Fact]
    public void A_digest_of_bfloat16_weights_is_refused_unless_taken_from_the_checkpoint_at_load()
    {
        var bf16 = new ResolvedDevice(CPU, ScalarType.BFloat16, "cpu bfloat16 (test)");
        using var full = Policy.Load(Checkpoint, DeviceOptions.Cpu);
        using var plain = Policy.LoadOn(Checkpoint, bf16, inferenceOnly: true, withDigest: false);
        Assert.Contains("float32 master weights", Assert.Throws<InvalidOperationException>(() => plain.WeightsDigest()).Message);
        using var digested = Policy.LoadOn(Checkpoint, bf16, inferenceOnly: true, withDigest: true);
        Assert.Equal(full.WeightsDigest(), digested.WeightsDigest());
    }

    [CudaFact]
    public void On_cuda_in_bfloat16_the_shared_inference_copy_holds_bfloat16_weights_and_samples_as_master_weights_do()
    {
        var device = new DeviceOptions { Device = "cuda", DType = "bfloat16" };
        var registry = new ResidentPolicies();
        using var a = registry.Acquire(Checkpoint, "iter-0", device);
        using var b = registry.Acquire(Checkpoint, "iter-0", device);
        Assert.Same(a.Policy, b.Policy);
        Assert.True(a.Policy.Device.IsCuda);
        Assert.All(a.Policy.Model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        using var master = Policy.Load(Checkpoint, device);
        Assert.All(master.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var prompt = new[] { new[] { 5, 9, 17, 2 } };
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 10 };
        Assert.Equal(
            new Generator(master, new GeneratorOptions(), "a").GenerateIds(prompt, [[0L]], options, CancellationToken.None)[0][0].Tokens,
            new Generator(a.Policy, new GeneratorOptions(), "a").GenerateIds(prompt, [[0L]], options, CancellationToken.None)[0][0].Tokens);
        Assert.Throws<InvalidOperationException>(() => a.Policy.WeightsDigest());
    }

    private static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.abs().sum().item<float>() > 0, "the logits are all zero");
        Assert.True(expected.eq(actual).all().item<bool>(), $"logits differ by up to {(expected - actual).abs().max().item<float>():E3}");
    }

    private static Tensor Logits(Policy policy)
    {
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 1, 5, 9, 17, 2, 8, 3, 11 }, [2, 4]);
        return policy.Model.forward(ids).to(ScalarType.Float32);
    }

    private static (ResidentPolicies Registry, Func<int> Loads) Counting()
    {
        var loads = 0;
        var registry = new ResidentPolicies((dir, device) =>
        {
            Interlocked.Increment(ref loads);
            return Policy.LoadOn(dir, device, inferenceOnly: true, withDigest: false);
        });
        return (registry, () => Volatile.Read(ref loads));
    }
}
