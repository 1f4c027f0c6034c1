using ReSTEM.Core.Verification;

namespace ReSTEM.Core.Samples;

/// <summary>A generated sample with its verdict.</summary>
/// <param name="Sample">What was generated.</param>
/// <param name="Result">The verifier's verdict, reason and extracted answer.</param>
/// <param name="VerifyMs">Wall time of its verification.</param>
public sealed record VerifiedSample(GeneratedSample Sample, VerificationResult Result, float VerifyMs)
{
    /// <summary>The binary reward.</summary>
    public float Reward => Result.Reward;
}
