using ReSTEM.Core.Tasks.Arithmetic;

namespace ReSTEM.Core.Options;

/// <summary><c>restem.tasks</c>: settings of each task.</summary>
public sealed record TaskOptions
{
    /// <summary><c>arithmetic</c>: the built-in arithmetic generator.</summary>
    public ArithmeticOptions Arithmetic { get; init; } = new();
}
