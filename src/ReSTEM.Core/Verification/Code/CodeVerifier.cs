using ReSTEM.Core.Problems;

namespace ReSTEM.Core.Verification.Code;

/// <summary>
/// The verifier of every code task: function-style problems (HumanEval, MBPP, the built-in
/// code task) go to <see cref="FunctionTestVerifier"/>, stdin/stdout problems (APPS) to
/// <see cref="StdioTestVerifier"/>. Programs run only through the given runner (the sandbox).
/// </summary>
public sealed class CodeVerifier : IVerifier
{
    private readonly FunctionTestVerifier _function;
    private readonly StdioTestVerifier _stdio;

    /// <summary>Creates the verifier over a program runner (the sandbox).</summary>
    public CodeVerifier(IProgramRunner runner, FunctionTestOptions? functionOptions = null, StdioTestOptions? stdioOptions = null)
    {
        _function = new FunctionTestVerifier(runner, functionOptions);
        _stdio = new StdioTestVerifier(runner, stdioOptions);
    }

    /// <inheritdoc />
    public ValueTask<VerificationResult> VerifyAsync(Problem problem, string completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Tests?.Style switch
        {
            CodeTestStyle.Function => _function.VerifyAsync(problem, completion, cancellationToken),
            CodeTestStyle.StdinStdout => _stdio.VerifyAsync(problem, completion, cancellationToken),
            _ => ValueTask.FromResult(new VerificationResult(Verdict.SandboxError, $"problem {problem.Id} has no code tests", null)),
        };
    }
}
