using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// Verifies HumanEval / MBPP / APPS call-based code. Inside one sandbox, two processes: the
/// program (the problem statement followed by the completion when
/// <see cref="CodeTests.PrependQuestion"/> is set, else the completion alone) runs after the
/// setup code in a candidate process that never sees the tests; the test code, then
/// <c>check(entry_point)</c> when the test code defines <c>check</c>, runs in a non-dumpable
/// judge process that calls the candidate over pipes and rebuilds every answer as plain
/// built-in data. Only the judge can report, so no code the candidate writes can produce a
/// PASS: not an early exit, a patched builtin, an object equal to everything, a tracer, or a
/// look at the judge's memory.
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
        var prelude = tests.PrependQuestion ? problem.Question : "";
        var input = PythonHarness.FunctionInput(token, tests.Setup ?? "", prelude, ProgramOf(problem, completion), tests.Test, tests.EntryPoint ?? "");
        var run = new ProgramRun
        {
            Source = PythonHarness.FunctionSource,
            Reused = true,
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
                "TIMEOUT" => new VerificationResult(Verdict.Timeout, reason, null),
                "BADTEST" => new VerificationResult(Verdict.SandboxError, "broken test data: " + reason, null),
                _ => new VerificationResult(Verdict.Failed, "unknown harness report " + kind, null),
            };
        }
        var last = PythonHarness.LastLine(result.StderrTail);
        return new VerificationResult(Verdict.Crash,
            $"the program ended (exit {result.ExitCode}) before the tests finished" + (last.Length > 0 ? ": " + last : ""), null);
    }
}
