using ReSTEM.Core.Tasks;

namespace ReSTEM.Host.Tasks;

/// <summary>A task and what it holds (a sandbox for code tasks), released together.</summary>
public sealed class TaskHandle : IAsyncDisposable
{
    private readonly IAsyncDisposable? _resources;

    /// <summary>Wraps <paramref name="task"/> and the <paramref name="resources"/> its verifier uses.</summary>
    public TaskHandle(ITask task, IAsyncDisposable? resources)
    {
        Task = task;
        _resources = resources;
    }

    /// <summary>The task.</summary>
    public ITask Task { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _resources?.DisposeAsync() ?? ValueTask.CompletedTask;
}
