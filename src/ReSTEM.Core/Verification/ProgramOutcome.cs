namespace ReSTEM.Core.Verification;

/// <summary>How a program run ended.</summary>
public enum ProgramOutcome
{
    /// <summary>The program ended by itself (any exit code, or a signal it brought on itself).</summary>
    Exited,

    /// <summary>The program ran past its wall-clock or CPU-time limit and was killed.</summary>
    Timeout,

    /// <summary>The program ran past its memory limit (it was killed, or an allocation failed).</summary>
    MemoryLimit,

    /// <summary>The program wrote more than the output limit and was killed.</summary>
    OutputLimit,

    /// <summary>The runner could not run the program; the program is not to blame.</summary>
    SandboxError,
}
