using ReSTEM.Core.Problems;
using ReSTEM.Core.Prompts;

namespace ReSTEM.Core.Tasks.Datasets;

/// <summary>
/// Holds prompts to the model's limit: a problem whose prompt has more tokens than allowed is
/// left out and counted (<see cref="TooLongPrompt.Skip"/>) or stops the run before it starts
/// (<see cref="TooLongPrompt.Error"/>). A prompt is never cut.
/// </summary>
public static class PromptLengthFilter
{
    /// <summary>
    /// The problems of <paramref name="splits"/> whose prompts (<paramref name="prompt"/>) are at most
    /// <paramref name="maxTokens"/> long by <paramref name="countTokens"/>, and those left out.
    /// </summary>
    /// <exception cref="PromptTooLongException">A prompt is too long and <paramref name="policy"/> is <see cref="TooLongPrompt.Error"/>.</exception>
    public static (IReadOnlyDictionary<Split, IReadOnlyList<Problem>> Kept, IReadOnlyList<SkippedProblem> Skipped) Apply(
        IReadOnlyDictionary<Split, IReadOnlyList<Problem>> splits,
        Func<Problem, string> prompt,
        Func<string, int> countTokens,
        int maxTokens,
        TooLongPrompt policy)
    {
        ArgumentNullException.ThrowIfNull(splits);
        var kept = new Dictionary<Split, IReadOnlyList<Problem>>();
        var skipped = new List<SkippedProblem>();
        foreach (var (split, problems) in splits)
        {
            var keep = new List<Problem>(problems.Count);
            foreach (var problem in problems)
            {
                var tokens = countTokens(prompt(problem));
                if (tokens <= maxTokens)
                {
                    keep.Add(problem);
                    continue;
                }
                if (policy == TooLongPrompt.Error) throw new PromptTooLongException(split, problem.Id, tokens, maxTokens);
                skipped.Add(new SkippedProblem(split, problem.Id, tokens));
            }
            kept[split] = keep;
        }
        return (kept, skipped);
    }
}

/// <summary>A prompt is longer than the configured limit and the run is set to stop on such prompts.</summary>
public sealed class PromptTooLongException(Split split, string problemId, int tokens, int maxTokens)
    : Exception($"the prompt of {split.ToName()} problem {problemId} has {tokens} tokens, more than restem.prompt.max-tokens = {maxTokens} "
        + "(raise the limit, use fewer shots, or set restem.prompt.too-long = skip to leave such problems out)")
{
    /// <summary>The problem's id.</summary>
    public string ProblemId { get; } = problemId;
}
