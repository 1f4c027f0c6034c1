namespace ReSTEM.Model;

/// <summary>Where the model runs and in which precision it computes.</summary>
public sealed record DeviceOptions
{
    /// <summary><c>auto</c> (CUDA when a CUDA libtorch is usable, else CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// Compute precision: <c>float32</c>, <c>bfloat16</c> or <c>float16</c>. Weights and optimizer
    /// state stay float32 (master weights); half precision only applies on CUDA, the CPU computes in float32.
    /// </summary>
    public string DType { get; init; } = "float32";

    /// <summary>
    /// Threads libtorch uses for CPU work (process-wide); 0 keeps libtorch's default (one per core).
    /// On a small machine shared with other busy processes (verifiers, builds), 1 avoids threads
    /// waiting on each other while descheduled, which can slow small models by an order of magnitude.
    /// </summary>
    public int CpuThreads { get; init; }

    /// <summary>CPU, float32: what tests and the built-in model use.</summary>
    public static DeviceOptions Cpu { get; } = new() { Device = "cpu" };

    /// <summary>Throws <see cref="ArgumentException"/> naming the value not understood.</summary>
    public void Validate()
    {
        var device = Device.Trim().ToLowerInvariant();
        var deviceOk = device is "auto" or "cpu" or "cuda"
            || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device[5..], out var index) && index >= 0);
        if (!deviceOk) throw new ArgumentException($"device must be auto, cpu, cuda or cuda:N, got '{Device}'");
        if (CpuThreads < 0) throw new ArgumentException($"cpu-threads must be >= 0 (0 = one per core), got {CpuThreads}");
        if (DType.Trim().ToLowerInvariant() is not ("float32" or "bfloat16" or "float16" or "fp32" or "bf16" or "fp16"))
            throw new ArgumentException($"dtype must be float32, bfloat16 or float16, got '{DType}'");
    }
}
