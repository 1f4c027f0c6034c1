using ReSTEM.Core.Options;
using ReSTEM.Core.Tasks;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Tasks.Countdown;
using ReSTEM.Core.Prompts;
using ReSTEM.Core.Verification.Code;
using ReSTEM.Core.Verification.MathAnswers;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tasks;

/// <summary>Builds the configured task of a run with its verifier (and the sandbox, for code tasks).</summary>
public static class TaskCatalog
{
    /// <summary>The tasks a run can use.</summary>
    public static IReadOnlyList<string> RunTasks { get; } = [CountdownTask.TaskName, ArithmeticTask.TaskName, "code", .. PromptPresets.Tasks];

    /// <summary>Creates the task named by <c>restem.task</c>; dispose the handle to release the sandbox.</summary>
    /// <exception cref="ConfigurationError">The task cannot be run (a dataset task without its files, or no sandbox).</exception>
    public static Owned<ITask> Create(RunOptions options, Action<string> warn)
    {
        switch (options.Task)
        {
            case CountdownTask.TaskName:
                return new Owned<ITask>(new CountdownTask(options.Tasks.Countdown), null);
            case ArithmeticTask.TaskName:
                return new Owned<ITask>(new ArithmeticTask(options.Tasks.Arithmetic, new MathVerifier(MathVerifierMode.Builtin)), null);
            case "code":
                var sandbox = Sandboxes.Create(options.Verification, warn);
                return new Owned<ITask>(new CodeTask(sandbox, options.Tasks.Code), sandbox);
            case "gsm8k" or "math":
                return new Owned<ITask>(DatasetTasks.Create(options, new MathVerifier(PromptPresets.MathMode(options.Task))), null);
            case "humaneval" or "mbpp" or "apps":
                var codeSandbox = Sandboxes.Create(options.Verification, warn);
                try
                {
                    var timeout = TimeSpan.FromSeconds(options.Verification.TimeoutSeconds);
                    var verifier = new CodeVerifier(codeSandbox, new FunctionTestOptions { Timeout = timeout }, new StdioTestOptions { TotalTimeout = timeout });
                    return new Owned<ITask>(DatasetTasks.Create(options, verifier), codeSandbox);
                }
                catch
                {
                    codeSandbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    throw;
                }
            default:
                throw new ConfigurationError($"restem.task = {options.Task}: the tasks are {string.Join(", ", RunTasks)}");
        }
    }
}
