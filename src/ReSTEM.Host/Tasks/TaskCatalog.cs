using ReSTEM.Core.Options;
using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Host.Configuration;

namespace ReSTEM.Host.Tasks;

/// <summary>Builds the configured task with its verifier (and the sandbox, for code tasks).</summary>
public static class TaskCatalog
{
    /// <summary>Creates the task named by <c>restem.task</c>; dispose the handle to release sandbox slots.</summary>
    /// <exception cref="ConfigurationError">The task is not available.</exception>
    public static TaskHandle Create(RunOptions options) => options.Task switch
    {
        ArithmeticTask.TaskName => new TaskHandle(new ArithmeticTask(options.Tasks.Arithmetic, new ArithmeticAnswerVerifier()), null),
        _ => throw new ConfigurationError($"restem.task = {options.Task} is not available in this build; available: {ArithmeticTask.TaskName}"),
    };
}
