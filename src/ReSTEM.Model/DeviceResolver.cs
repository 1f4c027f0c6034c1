using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace ReSTEM.Model;

/// <summary>
/// Chooses the device: CPU unless asked otherwise or a CUDA libtorch is usable. A CUDA libtorch is
/// looked for in <c>RESTEM_LIBTORCH</c>, then in an installed PyTorch (<c>python3 -c "import torch"</c>);
/// its libraries are loaded before TorchSharp's first use of CUDA. For CUDA, deploy without the
/// libtorch-cpu package (see docs): two libtorch builds cannot share one process.
/// </summary>
public static class DeviceResolver
{
    /// <summary>The environment variable naming a folder that holds a CUDA libtorch (its <c>lib</c> folder).</summary>
    public const string LibTorchVariable = "RESTEM_LIBTORCH";

    private static readonly Lazy<(bool Available, string Why)> Cuda = new(ProbeCuda, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Prepares the process for libtorch's CPU threads (passive OpenMP waiting unless
    /// <c>OMP_WAIT_POLICY</c> is set): call it before the process's first tensor operation.
    /// <see cref="Resolve"/> and the model constructor call it too.
    /// </summary>
    public static void ConfigureCpuRuntime() => CpuThreading.EnsurePassiveWaiting();

    /// <summary>True when CUDA can be used in this process; <paramref name="why"/> says where it came from or why not.</summary>
    public static bool IsCudaAvailable(out string why)
    {
        (var available, why) = Cuda.Value;
        return available;
    }

    /// <summary>Resolves <paramref name="options"/>; throws <see cref="InvalidOperationException"/> with the reason when CUDA is demanded but unusable.</summary>
    public static ResolvedDevice Resolve(DeviceOptions options)
    {
        options.Validate();
        ConfigureCpuRuntime();
        if (options.CpuThreads > 0 && get_num_threads() != options.CpuThreads) set_num_threads(options.CpuThreads);
        var wanted = options.Device.Trim().ToLowerInvariant();
        var dtype = options.DType.Trim().ToLowerInvariant() switch
        {
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            _ => ScalarType.Float32,
        };

        if (wanted == "cpu") return OnCpu(dtype, "cpu: asked for");

        var cudaOk = IsCudaAvailable(out var why);
        if (wanted == "auto")
        {
            if (!cudaOk) return OnCpu(dtype, $"cpu: device 'auto' and no usable CUDA ({why})");
            return new ResolvedDevice(new Device(DeviceType.CUDA, 0), dtype, $"cuda:0 {Name(dtype)}: device 'auto' and {why}");
        }

        if (!cudaOk) throw new InvalidOperationException($"device '{options.Device}' was asked for but CUDA is not usable: {why}");
        var index = wanted == "cuda" ? 0 : int.Parse(wanted[5..], System.Globalization.CultureInfo.InvariantCulture);
        var count = cuda.device_count();
        if (index >= count) throw new InvalidOperationException($"device '{options.Device}' was asked for but only {count} CUDA device(s) exist");
        return new ResolvedDevice(new Device(DeviceType.CUDA, index), dtype, $"cuda:{index} {Name(dtype)}: asked for; {why}");
    }

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
        ConfigureCpuRuntime();
        var fromEnv = Environment.GetEnvironmentVariable(LibTorchVariable);
        string source;
        string? dir;
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            dir = fromEnv;
            source = $"{LibTorchVariable}={fromEnv}";
        }
        else
        {
            dir = PythonTorchLibDir(out var pythonWhy);
            source = dir is null ? $"{LibTorchVariable} is not set and {pythonWhy}" : $"PyTorch's libtorch at {dir}";
        }

        if (dir is not null)
        {
            var libDir = File.Exists(Path.Combine(dir, "libtorch_cuda.so")) ? dir : Path.Combine(dir, "lib");
            if (!File.Exists(Path.Combine(libDir, "libtorch_cuda.so")))
                return (false, $"{source}: no libtorch_cuda.so there");
            // Loading by absolute path first lets TorchSharp's later load-by-name find these
            // libraries already in the process (the loader matches them by soname).
            foreach (var lib in new[] { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so" })
            {
                var path = Path.Combine(libDir, lib);
                if (File.Exists(path) && !NativeLibrary.TryLoad(path, out _))
                    return (false, $"{source}: {path} could not be loaded");
            }
        }

        try
        {
            if (!torch.TryInitializeDeviceType(DeviceType.CUDA) || !cuda.is_available())
                return (false, dir is null ? source : $"{source}: TorchSharp found no CUDA device");
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return (false, $"{source}: {e.Message}");
        }
        return (true, $"{cuda.device_count()} CUDA device(s) via {(dir is null ? "the libtorch on the library path" : source)}");
    }

    private static string? PythonTorchLibDir(out string why)
    {
        try
        {
            var start = new ProcessStartInfo("python3", ["-c", "import torch,os;print(os.path.dirname(torch.__file__))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null)
            {
                why = "python3 could not be started";
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                why = "python3 -c 'import torch' did not answer in 30 s";
                return null;
            }
            if (process.ExitCode != 0)
            {
                why = "python3 has no torch module";
                return null;
            }
            var dir = Path.Combine(output.Result.Trim(), "lib");
            _ = errors.Result;
            why = "";
            return dir;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            why = "python3 is not installed";
            return null;
        }
    }
}
