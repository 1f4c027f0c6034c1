using ReSTEM.Core.Options;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Core.Verification.MathAnswers;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tasks;

/// <summary>The verifier of each task that <c>grade</c> accepts.</summary>
public static class GradeVerifiers
{
    /// <summary>Creates the verifier of <paramref name="task"/> (and the sandbox it runs programs in, for code tasks).</summary>
    public static Owned<IVerifier> Create(string task, VerificationOptions options, Action<string> warn)
    {
        switch (task)
        {
            case "gsm8k":
                return new Owned<IVerifier>(new MathVerifier(MathVerifierMode.Gsm8k), null);
            case "math":
                return new Owned<IVerifier>(new MathVerifier(MathVerifierMode.Math), null);
            case "arithmetic":
                return new Owned<IVerifier>(new MathVerifier(MathVerifierMode.Builtin), null);
            case "humaneval" or "mbpp" or "apps" or "code":
                var sandbox = Sandboxes.Create(options, warn);
                var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
                return new Owned<IVerifier>(
                    new CodeVerifier(sandbox, new FunctionTestOptions { Timeout = timeout }, new StdioTestOptions { TotalTimeout = timeout }),
                    sandbox);
            default:
                throw new ConfigurationError($"--task {task}: unknown task");
        }
    }
}
