using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// Verifies HumanEval / MBPP style code: the program (the problem statement followed by the
/// completion when <see cref="CodeTests.PrependQuestion"/> is set, else the completion alone)
/// runs with the setup code before it and the test code after it, then
/// <c>check(entry_point)</c> when the test code defines <c>check</c>, all in one sandboxed
/// process. It passes only when the harness reports, with the run's secret token, that every
/// test ran: an early exit, <c>os._exit</c>, a raised SystemExit or a patched print cannot pass.
/// </summary>
public sealed class FunctionTestVerifier : IVerifier
{
    private readonly IProgramRunner _runner;
    private readonly FunctionTestOptions _options;

    /// <summary>Creates the verifier over a program runner (the sandbox).</summary>
    public FunctionTestVerifier(IProgramRunner runner, FunctionTestOptions? options = null)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _options = options ?? new FunctionTestOptions();
    }

    /// <summary>The program a completion stands for: statement + completion, or the completion alone.</summary>
    public static string ProgramOf(Problem problem, string completion) =>
        problem.Tests?.PrependQuestion == true ? problem.Question + completion : completion;

    /// <inheritdoc />
    public async ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(completion);
        var tests = problem.Tests;
        if (tests is not { Style: CodeTestStyle.Function } || string.IsNullOrWhiteSpace(tests.Test))
        {
            return new VerificationResult(Verdict.SandboxError, $"problem {problem.Id} has no function-style tests", null);
        }
        var token = PythonHarness.NewToken();
        var input = PythonHarness.FunctionInput(token, tests.Setup ?? "", ProgramOf(problem, completion), tests.Test,
            tests.EntryPoint ?? "", _options.RejectForeignReturnTypes ? "strict-return-types" : "");
        var run = new ProgramRun
        {
            Source = PythonHarness.FunctionSource,
            Stdin = input,
            WallTimeout = _options.Timeout,
            CpuTimeout = _options.CpuTimeout,
        };
        var result = await _runner.RunAsync(run, cancellationToken).ConfigureAwait(false);
        return Judge(result, token);
    }

    private static VerificationResult Judge(ProgramRunResult result, string token)
    {
        if (result.Outcome == ProgramOutcome.SandboxError)
        {
            return new VerificationResult(Verdict.SandboxError, result.Detail, null);
        }
        var reports = PythonHarness.Reports(result.Stdout.Span, token);
        if (reports.Count > 1)
        {
            // Only the harness knows the token and it reports once; more means tampering.
            return new VerificationResult(Verdict.Failed, "more than one harness report", null);
        }
        if (reports.Count == 1 && reports[0].Kind == "PASS")
        {
            return VerificationResult.Pass();
        }
        switch (result.Outcome)
        {
            case ProgramOutcome.Timeout:
                return new VerificationResult(Verdict.Timeout, result.Detail, null);
            case ProgramOutcome.MemoryLimit:
                return new VerificationResult(Verdict.Memory, result.Detail, null);
            case ProgramOutcome.OutputLimit:
                return new VerificationResult(Verdict.OutputLimit, result.Detail, null);
        }
        if (reports.Count == 1)
        {
            var (kind, reason, _) = reports[0];
            return kind switch
            {
                "FAIL" => new VerificationResult(Verdict.Failed, reason, null),
                "CRASH" => new VerificationResult(Verdict.Crash, reason, null),
                "MEMORY" => new VerificationResult(Verdict.Memory, reason, null),
                "BADTEST" => new VerificationResult(Verdict.SandboxError, "broken test data: " + reason, null),
                _ => new VerificationResult(Verdict.Failed, "unknown harness report " + kind, null),
            };
        }
        var last = PythonHarness.LastLine(result.StderrTail);
        return new VerificationResult(Verdict.Crash,
            $"the program ended (exit {result.ExitCode}) before the tests finished" + (last.Length > 0 ? ": " + last : ""), null);
    }
}
