using ReSTEM.Core.Options;
using ReSTEM.Sandbox;

namespace ReSTEM.Host.Tasks;

/// <summary>The sandbox for code verification, sized and limited by <c>restem.verification</c>.</summary>
public static class Sandboxes
{
    /// <summary>
    /// Creates the sandbox: one slot per verification in flight, the configured wall-clock and
    /// memory limits. Protections the machine lacks are reported through <paramref name="warn"/>.
    /// </summary>
    /// <exception cref="SandboxUnavailableException">The machine cannot sandbox programs (the message says why and how to fix it).</exception>
    public static PythonSandbox Create(VerificationOptions options, Action<string> warn) =>
        SandboxFactory.Create(new SandboxOptions
        {
            Slots = options.EffectiveParallelism,
            WallSeconds = options.TimeoutSeconds,
            CpuSeconds = options.TimeoutSeconds,
            MemoryMB = options.MemoryMB,
        }, warn);
}
