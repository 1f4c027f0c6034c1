using ReSTEM.Core.Options;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tasks;

/// <summary>The verifier of each task that <c>grade</c> accepts.</summary>
public static class GradeVerifiers
{
    /// <summary>Creates the verifier of <paramref name="task"/> (and the sandbox it runs programs in, for code tasks).</summary>
    public static VerifierHandle Create(string task, VerificationOptions options, Action<string> warn) => task switch
    {
        ArithmeticTask.TaskName => new VerifierHandle(new ArithmeticAnswerVerifier(), null),
        _ => throw new ConfigurationError($"--task {task} cannot be graded by this build yet"),
    };
}
