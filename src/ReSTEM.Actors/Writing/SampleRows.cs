using ReSTEM.Core.Filtering;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Verification;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Actors.Writing;

/// <summary>Maps completed problems to the stored sample rows.</summary>
public static class SampleRows
{
    /// <summary>The rows of one completed problem, in sample-index order.</summary>
    public static IEnumerable<SampleRow> From(string runId, int iteration, Problem problem, CompletedProblem completed) =>
        completed.Samples.Select(v => new SampleRow
        {
            RunId = runId,
            Iteration = iteration,
            ProblemId = completed.ProblemId,
            SampleIndex = v.Sample.SampleIndex,
            Seed = v.Sample.Completion.Seed,
            Prompt = v.Sample.Prompt,
            Completion = v.Sample.Completion.Text,
            Reward = v.Reward,
            Verdict = v.Result.Verdict.ToName(),
            Reason = v.Result.Reason,
            ExtractedAnswer = v.Result.ExtractedAnswer,
            PromptTokens = v.Sample.Completion.PromptTokens,
            CompletionTokens = v.Sample.Completion.CompletionTokens,
            CheckpointId = v.Sample.CheckpointId,
            GenerateMs = v.Sample.GenerateMs,
            VerifyMs = v.VerifyMs,
            FinishReason = FinishName(v.Sample.Completion.Finish),
            Difficulty = problem.Difficulty,
            Accepted = completed.Accepted.Contains(v.Sample.SampleIndex),
        });

    /// <summary>The stored name of a finish reason: eos, stop or length.</summary>
    public static string FinishName(FinishReason finish) => finish switch
    {
        FinishReason.EndOfSequence => "eos",
        FinishReason.Stop => "stop",
        _ => "length",
    };
}
