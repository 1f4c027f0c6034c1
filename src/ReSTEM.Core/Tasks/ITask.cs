using ReSTEM.Core.Problems;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks;

/// <summary>
/// A family of checkable problems: its splits, how a problem is shown to the model, what a
/// human solution looks like as a completion, and the verifier that scores completions.
/// </summary>
public interface ITask
{
    /// <summary>The name used in configuration (<c>restem.task</c>) and in files.</summary>
    string Name { get; }

    /// <summary>Math (answer check) or code (unit tests in the sandbox).</summary>
    TaskKind Kind { get; }

    /// <summary>The problems of one split, in a stable order.</summary>
    IReadOnlyList<Problem> Problems(Split split);

    /// <summary>The text the model continues for this problem.</summary>
    string FormatPrompt(Problem problem);

    /// <summary>The problem's human solution written as a completion of <see cref="FormatPrompt"/>, or null when it has none.</summary>
    string? FormatReference(Problem problem);

    /// <summary>Strings that end a completion for this task (in addition to the model's end-of-sequence token).</summary>
    IReadOnlyList<string> StopStrings { get; }

    /// <summary>The verifier that scores completions of this task's problems.</summary>
    IVerifier Verifier { get; }
}
