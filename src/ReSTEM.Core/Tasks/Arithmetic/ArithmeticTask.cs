using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Arithmetic;

/// <summary>
/// The built-in arithmetic word-problem task (<c>restem.task = arithmetic</c>): generated and
/// seeded, no download. The model sees the question followed by a newline and continues with
/// a worked solution that ends in <c>#### a, b</c>.
/// </summary>
public sealed class ArithmeticTask : ITask
{
    /// <summary>The task's configuration name.</summary>
    public const string TaskName = "arithmetic";

    private readonly IReadOnlyDictionary<Split, IReadOnlyList<Problem>> _splits;

    /// <summary>Generates the task's problems from <paramref name="options"/>; <paramref name="verifier"/> checks the <c>####</c> answers.</summary>
    public ArithmeticTask(ArithmeticOptions options, IVerifier verifier)
    {
        Generator = new ArithmeticProblemGenerator(options);
        _splits = Generator.GenerateSplits();
        Verifier = verifier;
    }

    /// <summary>The generator behind the splits (also makes the arithmetic drill used to pre-train the built-in base model).</summary>
    public ArithmeticProblemGenerator Generator { get; }

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Math;

    /// <inheritdoc />
    public IVerifier Verifier { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; } = ["\n\n"];

    /// <inheritdoc />
    public IReadOnlyList<Problem> Problems(Split split) => _splits[split];

    /// <inheritdoc />
    public string FormatPrompt(Problem problem) => problem.Question + "\n";

    /// <inheritdoc />
    public string? FormatReference(Problem problem) => problem.Solution;
}
