using ReSTEM.Core.Problems;
using ReSTEM.Core.Prompts;
using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Tasks.Datasets;

/// <summary>
/// A task over a dataset the user has on disk (GSM8K, MATH, HumanEval, MBPP, APPS): its splits as
/// read from the files, the prompt of <c>restem.prompt</c> (or the task's preset), and the task's
/// verifier. Problems whose prompt is too long for the model were taken out before (see
/// <see cref="PromptLengthFilter"/>) and are listed in <see cref="Skipped"/>.
/// </summary>
public sealed class DatasetTask : ITask
{
    private readonly IReadOnlyDictionary<Split, IReadOnlyList<Problem>> _splits;
    private readonly PromptPreset _preset;

    /// <summary>Creates the task.</summary>
    public DatasetTask(
        string name,
        IReadOnlyDictionary<Split, IReadOnlyList<Problem>> splits,
        PromptPreset preset,
        PromptBuilder prompts,
        IReadOnlyList<string> stop,
        IVerifier verifier,
        IReadOnlyList<SkippedProblem>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (!PromptPresets.Tasks.Contains(name)) throw new ArgumentException($"'{name}' is not a dataset task", nameof(name));
        Name = name;
        Kind = name is "gsm8k" or "math" ? TaskKind.Math : TaskKind.Code;
        _splits = splits;
        _preset = preset;
        Prompts = prompts;
        StopStrings = stop;
        Verifier = verifier;
        Skipped = skipped ?? [];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public TaskKind Kind { get; }

    /// <summary>How prompts are written.</summary>
    public PromptBuilder Prompts { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings { get; }

    /// <inheritdoc />
    public IVerifier Verifier { get; }

    /// <summary>The problems left out because their prompt was longer than the limit.</summary>
    public IReadOnlyList<SkippedProblem> Skipped { get; }

    /// <inheritdoc />
    public IReadOnlyList<Problem> Problems(Split split) => _splits.TryGetValue(split, out var problems) ? problems : [];

    /// <inheritdoc />
    public string FormatPrompt(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Prompts.Build(_preset.Question(problem));
    }

    /// <inheritdoc />
    public string? FormatReference(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return _preset.Reference(problem, Prompts.Chat != ChatFormat.None);
    }
}

/// <summary>A problem left out of a run because its prompt is too long.</summary>
/// <param name="Split">Its split.</param>
/// <param name="ProblemId">Its id.</param>
/// <param name="PromptTokens">Its prompt's length in tokens.</param>
public sealed record SkippedProblem(Split Split, string ProblemId, int PromptTokens);
