using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;
using ReSTEM.Core.Sampling;
using ReSTEM.Core.Verification;

namespace ReSTEM.Actors.Tests;

/// <summary>Samples and problems for tests of the E-step's pieces.</summary>
internal static class TestSamples
{
    public static Problem Problem(string id) => new() { Id = id, Question = $"question {id}", Answer = "7", Solution = "7\n#### 7" };

    public static GeneratedSample Generated(string problemId, int index, string? text = null) =>
        new(problemId, index, $"prompt {problemId}", new Completion(text ?? $"answer {index}\n#### 7", index, 3, 5, FinishReason.EndOfSequence), "ckpt", 1);

    public static VerifiedSample Verified(string problemId, int index, bool correct, string? text = null) =>
        new(Generated(problemId, index, text), correct ? VerificationResult.Pass("7") : new VerificationResult(Verdict.Failed, "wrong", "0"), 2);
}
