namespace ReSTEM.Sandbox;

/// <summary>
/// This machine cannot sandbox programs at all (no bubblewrap, no interpreter, no namespaces).
/// The sandbox never falls back to running programs unsandboxed.
/// </summary>
public sealed class SandboxUnavailableException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public SandboxUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public SandboxUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
