using System.Globalization;
using System.Text;
using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// Verifies APPS style programs: one sandboxed run whose harness runs the program once per
/// case on that case's standard input (in a fresh forked process each time), relays each
/// output framed with the run's secret token, and stops at the first case that does not end
/// cleanly. The expected outputs never enter the sandbox; outputs are compared here with
/// <see cref="StdioOutputComparer"/>. The first failing case decides the verdict.
/// </summary>
public sealed class StdioTestVerifier : IVerifier
{
    private const int SigKill = 9;
    private const int SigXcpu = 24;
    private readonly IProgramRunner _runner;
    private readonly StdioTestOptions _options;

    /// <summary>Creates the verifier over a program runner (the sandbox).</summary>
    public StdioTestVerifier(IProgramRunner runner, StdioTestOptions? options = null)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _options = options ?? new StdioTestOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    public async ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(completion);
        var tests = problem.Tests;
        if (tests is not { Style: CodeTestStyle.StdinStdout } || tests.IoCases.Count == 0)
        {
            return new VerificationResult(Verdict.SandboxError, $"problem {problem.Id} has no stdin/stdout cases", null);
        }
        var program = tests.PrependQuestion ? problem.Question + completion : completion;
        var token = PythonHarness.NewToken();
        var input = PythonHarness.StdioInput(token, program, _options.CaseTimeout, _options.MaxOutputBytesPerCase, tests.IoCases.Select(c => c.Input).ToList());
        var run = new ProgramRun
        {
            Source = PythonHarness.StdioSource,
            Reused = true,
            Stdin = input,
            WallTimeout = _options.TotalTimeout,
            CpuTimeout = _options.CaseTimeout + TimeSpan.FromSeconds(1),
        };
        var result = await _runner.RunAsync(run, cancellationToken).ConfigureAwait(false);
        return Judge(result, token, tests.IoCases);
    }

    private VerificationResult Judge(ProgramRunResult result, string token, IReadOnlyList<IoCase> cases)
    {
        if (result.Outcome == ProgramOutcome.SandboxError)
        {
            return new VerificationResult(Verdict.SandboxError, result.Detail, null);
        }
        var stdout = result.Stdout.Span;
        var reports = PythonHarness.Reports(stdout, token);
        var next = 0;
        var ended = false;
        foreach (var (kind, rest, end) in reports)
        {
            if (ended)
            {
                return new VerificationResult(Verdict.Failed, "harness output after its end", null);
            }
            switch (kind)
            {
                case "COMPILE":
                    return new VerificationResult(Verdict.Crash, "the program does not compile: " + rest, null);
                case "END":
                    ended = true;
                    continue;
                case "CASE":
                    break;
                default:
                    return new VerificationResult(Verdict.Failed, "unknown harness report " + kind, null);
            }
            var fields = rest.Split(' ');
            if (fields.Length != 3 || fields[0] != next.ToString(CultureInfo.InvariantCulture)
                || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || end + length > stdout.Length)
            {
                // Frames come in order, once each; anything else was not written by the harness.
                return new VerificationResult(Verdict.Failed, "malformed harness output", null);
            }
            var output = Encoding.UTF8.GetString(stdout.Slice(end, length));
            var label = $"case {next + 1} of {cases.Count}";
            var status = fields[1];
            if (status != "ok")
            {
                return CaseFailure(status, label, result);
            }
            var difference = StdioOutputComparer.FirstDifference(output, cases[next].Output, _options.FloatTolerance);
            if (difference != null)
            {
                return new VerificationResult(Verdict.Failed, $"{label}: wrong answer, {difference}", null);
            }
            next++;
        }
        if (ended && next == cases.Count)
        {
            return VerificationResult.Pass();
        }
        var where = $"after {next} of {cases.Count} cases";
        return result.Outcome switch
        {
            ProgramOutcome.Timeout => new VerificationResult(Verdict.Timeout, $"{result.Detail} ({where})", null),
            ProgramOutcome.MemoryLimit => new VerificationResult(Verdict.Memory, $"{result.Detail} ({where})", null),
            ProgramOutcome.OutputLimit => new VerificationResult(Verdict.OutputLimit, $"{result.Detail} ({where})", null),
            _ => new VerificationResult(Verdict.Crash, $"the harness ended early (exit {result.ExitCode}) {where}", null),
        };
    }

    private VerificationResult CaseFailure(string status, string label, ProgramRunResult result)
    {
        var last = PythonHarness.LastLine(result.StderrTail);
        var limit = _options.CaseTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (status == "timeout")
        {
            return new VerificationResult(Verdict.Timeout, $"{label}: time limit of {limit} s", null);
        }
        if (status == "output")
        {
            return new VerificationResult(Verdict.OutputLimit, $"{label}: more than {_options.MaxOutputBytesPerCase} bytes of output", null);
        }
        if (status.StartsWith("signal:", StringComparison.Ordinal) && int.TryParse(status[7..], CultureInfo.InvariantCulture, out var signal))
        {
            if (signal == SigKill && result.Outcome == ProgramOutcome.MemoryLimit)
            {
                return new VerificationResult(Verdict.Memory, $"{label}: {result.Detail}", null);
            }
            if (signal == SigXcpu)
            {
                return new VerificationResult(Verdict.Timeout, $"{label}: CPU limit of {limit} s", null);
            }
            return new VerificationResult(Verdict.Crash, $"{label}: killed by signal {signal}", null);
        }
        if (last.Contains("MemoryError", StringComparison.Ordinal))
        {
            return new VerificationResult(Verdict.Memory, $"{label}: {last}", null);
        }
        var code = status.StartsWith("exit:", StringComparison.Ordinal) ? status[5..] : status;
        return new VerificationResult(Verdict.Crash, $"{label}: exit code {code}" + (last.Length > 0 ? ": " + last : ""), null);
    }
}
