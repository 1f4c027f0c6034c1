namespace ReSTEM.Core.Verification;

/// <summary>
/// A verdict with its reward and evidence. A failed check is a value of this type, never an
/// exception: the pipeline stores it beside the sample.
/// </summary>
/// <param name="Verdict">What happened.</param>
/// <param name="Reason">A short human-readable reason (which test failed, which limit was hit); empty for a pass.</param>
/// <param name="ExtractedAnswer">The final answer found in the completion (math tasks), or null.</param>
public sealed record VerificationResult(Verdict Verdict, string Reason, string? ExtractedAnswer)
{
    /// <summary>The binary ReST-EM reward: 1 for <see cref="Verdict.Passed"/>, else 0.</summary>
    public float Reward => Verdict == Verdict.Passed ? 1f : 0f;

    /// <summary>A pass, with the answer that was found.</summary>
    public static VerificationResult Pass(string? extractedAnswer = null) => new(Verdict.Passed, "", extractedAnswer);
}
