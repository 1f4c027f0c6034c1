using System.Text;

namespace ReSTEM.Core.Verification;

/// <summary>What one program run did.</summary>
public sealed record ProgramRunResult
{
    /// <summary>How the run ended.</summary>
    public required ProgramOutcome Outcome { get; init; }

    /// <summary>
    /// The exit status when the program ended by itself: the exit code, or 128 + the signal
    /// number when a signal ended it; null when the runner killed it or could not start it.
    /// </summary>
    public int? ExitCode { get; init; }

    /// <summary>Everything the program wrote to standard output, up to the output limit.</summary>
    public ReadOnlyMemory<byte> Stdout { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>The end of what the program wrote to standard error (a few kilobytes at most).</summary>
    public string StderrTail { get; init; } = "";

    /// <summary>Which limit was hit or what went wrong in the runner; empty for a clean exit.</summary>
    public string Detail { get; init; } = "";

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Wall { get; init; }

    /// <summary>CPU time used by all processes of the run, when the runner can measure it.</summary>
    public TimeSpan? Cpu { get; init; }

    /// <summary>Peak memory of all processes of the run in bytes, when the runner can measure it.</summary>
    public long? PeakMemoryBytes { get; init; }

    /// <summary>Standard output decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout.Span);

    /// <summary>A result for a run the runner could not carry out.</summary>
    public static ProgramRunResult SandboxFailure(string detail) => new() { Outcome = ProgramOutcome.SandboxError, Detail = detail };
}
