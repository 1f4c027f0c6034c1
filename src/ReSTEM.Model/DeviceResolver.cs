using TorchSharp;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// Chooses the device: CPU unless asked otherwise or a CUDA libtorch is usable. Which libtorch the
/// process runs on is decided once, by <see cref="LibTorch"/> (<c>RESTEM_LIBTORCH</c>, then python3's
/// PyTorch with CUDA, then the build's own CPU copy); the explanation names it and the GPU.
/// </summary>
public static class DeviceResolver
{
    /// <summary>The environment variable naming the libtorch folder to use (see <see cref="LibTorch"/>).</summary>
    public const string LibTorchVariable = LibTorch.Variable;

    private static readonly Lazy<(bool Available, string Why)> Cuda = new(ProbeCuda, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Prepares the process for libtorch (passive OpenMP waiting unless <c>OMP_WAIT_POLICY</c> is set)
    /// and loads the one libtorch it runs on: call it before the process's first tensor operation.
    /// <see cref="Resolve"/> and the model constructor do the same.
    /// </summary>
    public static void ConfigureCpuRuntime() => LibTorch.EnsureLoaded();

    /// <summary>True when CUDA can be used in this process; <paramref name="why"/> says which libtorch was found, or why not.</summary>
    public static bool IsCudaAvailable(out string why)
    {
        (var available, why) = Cuda.Value;
        return available;
    }

    /// <summary>
    /// Resolves <paramref name="options"/>; throws <see cref="InvalidOperationException"/> with the reason
    /// when CUDA is demanded but unusable, or when the process has no libtorch at all.
    /// </summary>
    public static ResolvedDevice Resolve(DeviceOptions options)
    {
        options.Validate();
        var libtorch = LibTorch.EnsureLoaded();
        if (libtorch.Kind == LibTorchKind.None) throw new InvalidOperationException(libtorch.Problem ?? libtorch.Describe());
        if (options.CpuThreads > 0 && get_num_threads() != options.CpuThreads) set_num_threads(options.CpuThreads);
        var wanted = options.Device.Trim().ToLowerInvariant();
        var dtype = options.DType.Trim().ToLowerInvariant() switch
        {
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            _ => ScalarType.Float32,
        };

        if (wanted == "cpu") return OnCpu(dtype, $"cpu: asked for; {libtorch.Describe()}");

        var cudaOk = IsCudaAvailable(out var why);
        if (wanted == "auto")
        {
            if (!cudaOk) return OnCpu(dtype, $"cpu: device 'auto' and no usable CUDA: {why}");
            return new ResolvedDevice(new Device(DeviceType.CUDA, 0), dtype, $"cuda:0 {Name(dtype)}: device 'auto'; {Gpu(0)}; {why}");
        }

        if (!cudaOk) throw new InvalidOperationException($"device '{options.Device}' was asked for but CUDA is not usable: {why}");
        var index = wanted == "cuda" ? 0 : int.Parse(wanted[5..], System.Globalization.CultureInfo.InvariantCulture);
        var count = cuda.device_count();
        if (index >= count) throw new InvalidOperationException($"device '{options.Device}' was asked for but only {count} CUDA device(s) exist");
        return new ResolvedDevice(new Device(DeviceType.CUDA, index), dtype, $"cuda:{index} {Name(dtype)}: asked for; {Gpu(index)}; {why}");
    }

    private static string Gpu(int index) => $"GPU {index} of {cuda.device_count()}: {CudaDriver.Describe(index) ?? "name unknown (libcuda.so.1 did not say)"}";

    private static ResolvedDevice OnCpu(ScalarType dtype, string why)
    {
        // Half precision on the CPU is slower than float32 and gains nothing here, so the CPU computes in float32.
        var note = dtype == ScalarType.Float32 ? "" : $"; {Name(dtype)} applies on CUDA only, computing in float32";
        return new ResolvedDevice(CPU, ScalarType.Float32, $"{why}{note} ({get_num_threads()} threads)");
    }

    private static string Name(ScalarType t) => t switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => "float32",
    };

    private static (bool, string) ProbeCuda()
    {
        var libtorch = LibTorch.EnsureLoaded();
        // A CPU choice's why already names what was passed over (a missing folder, a CUDA libtorch that did not load).
        if (libtorch.Kind != LibTorchKind.Cuda) return (false, libtorch.Kind == LibTorchKind.None ? libtorch.Problem ?? libtorch.Describe() : libtorch.Describe());
        try
        {
            if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !cuda.is_available())
                return (false, $"{libtorch.Describe()}: no CUDA device is visible (driver or GPU missing)");
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return (false, $"{libtorch.Describe()}: {e.Message}");
        }
        return (true, libtorch.Describe());
    }
}
