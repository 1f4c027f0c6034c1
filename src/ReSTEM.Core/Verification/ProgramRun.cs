namespace ReSTEM.Core.Verification;

/// <summary>
/// One program to run: Python source text and the bytes of its standard input. The program
/// runs as the <c>__main__</c> module; its standard input reads exactly <see cref="Stdin"/>.
/// </summary>
public sealed record ProgramRun
{
    /// <summary>The Python program text.</summary>
    public required string Source { get; init; }

    /// <summary>The program's standard input; empty by default.</summary>
    public ReadOnlyMemory<byte> Stdin { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Wall-clock limit for this run; null takes the runner's default.</summary>
    public TimeSpan? WallTimeout { get; init; }

    /// <summary>CPU-time limit per process of this run; null takes the runner's default.</summary>
    public TimeSpan? CpuTimeout { get; init; }

    /// <summary>
    /// The same trusted <see cref="Source"/> runs again and again (a test harness): the runner
    /// may compile it once and start each run from the compiled form. Never set it for
    /// generated code: each distinct source is kept for the runner's lifetime.
    /// </summary>
    public bool Reused { get; init; }
}
