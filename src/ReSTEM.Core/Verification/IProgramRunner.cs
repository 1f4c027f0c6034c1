namespace ReSTEM.Core.Verification;

/// <summary>
/// Runs one untrusted program somewhere it cannot harm the service, and reports what it did.
/// Core's code verifiers build programs and read their output; only ReSTEM.Sandbox implements
/// this interface, so Core itself never runs generated code.
/// </summary>
public interface IProgramRunner
{
    /// <summary>
    /// Runs <paramref name="run"/> to completion or to a limit. Everything the program does,
    /// including failures of the program, is reported in the result; a failure of the runner's
    /// own machinery is reported as <see cref="ProgramOutcome.SandboxError"/>. Throws only
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires
    /// (the program is killed first), and <see cref="ObjectDisposedException"/> after the runner
    /// was disposed.
    /// </summary>
    ValueTask<ProgramRunResult> RunAsync(ProgramRun run, CancellationToken cancellationToken);
}
