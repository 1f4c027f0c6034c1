namespace ReSTEM.Model;

/// <summary>Which build of libtorch a process runs on.</summary>
public enum LibTorchKind
{
    /// <summary>No libtorch could be found: tensors cannot be used in this process.</summary>
    None,

    /// <summary>A CPU-only libtorch (the build's own <c>libtorch-cpu/</c> copy, or a folder named by <c>RESTEM_LIBTORCH</c>).</summary>
    Cpu,

    /// <summary>A libtorch with CUDA (a folder holding <c>libtorch_cuda.so</c>).</summary>
    Cuda,
}
