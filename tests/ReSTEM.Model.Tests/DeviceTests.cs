using ReSTEM.Core.Sampling;
using ReSTEM.Core.Training;
using static TorchSharp.torch;

namespace ReSTEM.Model.Tests;

public sealed class DeviceTests
{
    [Fact]
    public void Cpu_is_chosen_when_asked_and_half_precision_falls_back_to_float32_with_a_reason()
    {
        var cpu = DeviceResolver.Resolve(DeviceOptions.Cpu);
        Assert.Equal(TorchSharp.DeviceType.CPU, cpu.Device.type);
        Assert.Equal(ScalarType.Float32, cpu.ComputeType);
        Assert.StartsWith("cpu", cpu.Explanation);
        var bf16 = DeviceResolver.Resolve(new DeviceOptions { Device = "cpu", DType = "bfloat16" });
        Assert.Equal(ScalarType.Float32, bf16.ComputeType);
        Assert.Contains("CUDA only", bf16.Explanation);
    }

    [Fact]
    public void Auto_explains_its_choice()
    {
        var auto = DeviceResolver.Resolve(new DeviceOptions());
        var cuda = DeviceResolver.IsCudaAvailable(out var why);
        Assert.Equal(cuda, auto.IsCuda);
        Assert.Contains(why, auto.Explanation);
        if (!cuda) Assert.Throws<InvalidOperationException>(() => DeviceResolver.Resolve(new DeviceOptions { Device = "cuda" }));
    }

    [Fact]
    public void OpenMP_is_told_to_wait_passively_unless_the_user_chose()
    {
        var before = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        DeviceResolver.ConfigureCpuRuntime();
        var native = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(GetEnv("OMP_WAIT_POLICY"));
        Assert.Equal(before ?? "PASSIVE", native);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string name);

    [Fact]
    public void Cpu_threads_are_applied_when_set()
    {
        var before = get_num_threads();
        try
        {
            DeviceResolver.Resolve(new DeviceOptions { Device = "cpu", CpuThreads = 1 });
            Assert.Equal(1, get_num_threads());
            Assert.Throws<ArgumentException>(() => DeviceResolver.Resolve(new DeviceOptions { Device = "cpu", CpuThreads = -1 }));
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Theory]
    [InlineData("gpu", "float32", "device")]
    [InlineData("cuda:x", "float32", "device")]
    [InlineData("cpu", "int8", "dtype")]
    public void Bad_options_name_the_setting(string device, string dtype, string setting)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceResolver.Resolve(new DeviceOptions { Device = device, DType = dtype }));
        Assert.Contains(setting, e.Message);
    }

    [CudaFact]
    public void Cuda_float32_matches_the_cpu_in_logits_greedy_tokens_and_loss()
    {
        using var cpu = Policy.Load(TestModels.DataDir("tiny-qwen2"), DeviceOptions.Cpu);
        using var gpu = Policy.Load(TestModels.DataDir("tiny-qwen2"), new DeviceOptions { Device = "cuda" });
        Assert.True(gpu.Device.IsCuda);
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 16 };
        var request = new[] { new CompletionRequest("abc", [0L]) };
        Assert.Equal(new Generator(cpu, new GeneratorOptions(), "c").Generate(request, options, CancellationToken.None)[0][0],
            new Generator(gpu, new GeneratorOptions(), "g").Generate(request, options, CancellationToken.None)[0][0]);
        var examples = new[] { new TrainingExample("ab", "cd"), new TrainingExample("x", "yz") };
        using var cpuTrainer = new Trainer(cpu, new TrainingOptions(), 2);
        using var gpuTrainer = new Trainer(gpu, new TrainingOptions(), 2);
        Assert.Equal(cpuTrainer.EvaluateLoss(examples), gpuTrainer.EvaluateLoss(examples), 3);
    }

    [CudaFact]
    public void Cuda_bfloat16_trains_with_float32_master_weights_and_samples()
    {
        using var policy = Policy.CreateRandom(TestModels.TinyConfig(), new CharTokenizer(), new DeviceOptions { Device = "cuda", DType = "bfloat16" }, 3);
        Assert.Equal(ScalarType.BFloat16, policy.Model.ComputeType);
        Assert.All(policy.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var examples = Enumerable.Range(0, 32).Select(i => new TrainingExample($"{i}=", $"{i}")).ToArray();
        using var trainer = new Trainer(policy, new TrainingOptions { Epochs = 3, BatchSize = 8, LearningRate = 1e-2 }, examples.Length);
        var before = trainer.EvaluateLoss(examples);
        for (var e = 0; e < 3; e++) trainer.TrainEpoch(examples, e, null, CancellationToken.None);
        Assert.True(trainer.EvaluateLoss(examples) < before);
        var completions = new Generator(policy, new GeneratorOptions(), "g")
            .Generate([new CompletionRequest("7=", [1L, 2L])], new SamplingOptions { MaxNewTokens = 8 }, CancellationToken.None)[0];
        Assert.Equal(2, completions.Count);
    }
}
