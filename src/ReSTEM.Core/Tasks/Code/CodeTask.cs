using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;
using ReSTEM.Core.Verification.Code;

namespace ReSTEM.Core.Tasks.Code;

/// <summary>
/// The built-in code task (<c>code</c>): small Python function-synthesis problems in 25
/// families at difficulty levels 1-5 ("add a constant" up to "count primes below n"),
/// generated from a seed. The prompt is the function's signature and docstring with one
/// example, which even a tiny character-level model can continue; the completion is the
/// function body; the human reference is the body a person would write. Completions are
/// checked by running the problem's asserts in the sandbox (all of one candidate's tests in
/// one sandboxed process), never in the service's process.
/// </summary>
public sealed class CodeTask : ITask
{
    private readonly IReadOnlyDictionary<Split, IReadOnlyList<Problem>> _problems;

    /// <summary>Generates the problems; <paramref name="runner"/> (the sandbox) runs candidates.</summary>
    public CodeTask(IProgramRunner runner, CodeTaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        Options = options ?? new CodeTaskOptions();
        Options.Validate();
        _problems = CodeProblemGenerator.Generate(Options);
        Verifier = new FunctionTestVerifier(runner, Options.Verification);
    }

    /// <summary>The options the problems were generated with.</summary>
    public CodeTaskOptions Options { get; }

    /// <inheritdoc />
    public string Name => "code";

    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Code;

    /// <summary>
    /// A completion ends where the function does: at the next top-level statement (as in
    /// HumanEval's stop sequences) or at a run of blank lines.
    /// </summary>
    public IReadOnlyList<string> StopStrings { get; } = ["\ndef ", "\nclass ", "\nif ", "\nprint(", "\n#", "\n\n\n"];

    /// <inheritdoc />
    public IVerifier Verifier { get; }

    /// <inheritdoc />
    public IReadOnlyList<Problem> Problems(Split split) => _problems[split];

    /// <summary>The signature and docstring; the model writes the body.</summary>
    public string FormatPrompt(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Question;
    }

    /// <summary>The reference body (indented, ending in a newline).</summary>
    public string? FormatReference(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Solution;
    }
}
