using ReSTEM.Core.Tasks.Arithmetic;
using ReSTEM.Core.Tasks.Code;
using ReSTEM.Core.Tasks.Countdown;

namespace ReSTEM.Core.Options;

/// <summary><c>restem.tasks</c>: settings of each task.</summary>
public sealed record TaskOptions
{
    /// <summary><c>arithmetic</c>: the built-in arithmetic generator.</summary>
    public ArithmeticOptions Arithmetic { get; init; } = new();

    /// <summary><c>code</c>: the built-in Python function-synthesis generator.</summary>
    public CodeTaskOptions Code { get; init; } = new();

    /// <summary><c>countdown</c>: the built-in Countdown generator (reach a target from given numbers).</summary>
    public CountdownOptions Countdown { get; init; } = new();
}
