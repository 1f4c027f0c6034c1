namespace ReSTEM.Model;

/// <summary>The one libtorch a process loads, and why that one.</summary>
/// <param name="Kind">CPU, CUDA, or none found.</param>
/// <param name="Folder">The folder holding its libraries (<c>libtorch_cpu.so</c>, and <c>libtorch_cuda.so</c> for CUDA); null when none was found.</param>
/// <param name="Why">A sentence saying where it was found, or why another place was passed over.</param>
/// <param name="Problem">What the user asked for that could not be honoured (a <c>RESTEM_LIBTORCH</c> folder that is missing, a CUDA libtorch that did not load); null when none.</param>
public sealed record LibTorchChoice(LibTorchKind Kind, string? Folder, string Why, string? Problem = null)
{
    /// <summary>The libtorch version when it could be read (PyTorch's <c>version.py</c> or libtorch's <c>build-version</c>); null otherwise.</summary>
    public string? Version { get; init; }

    /// <summary>One line for the device line: kind, version, folder and why.</summary>
    public string Describe() => Kind == LibTorchKind.None
        ? $"no libtorch ({Why})"
        : $"libtorch {Version ?? "(version unknown)"} {(Kind == LibTorchKind.Cuda ? "with CUDA" : "CPU-only")} at {Folder} ({Why})";
}
