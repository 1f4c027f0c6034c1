namespace ReSTEM.Actors.Training;

/// <summary>What one M-step did.</summary>
/// <param name="StartDigest">Weights digest of the policy training started from (the base model's under ReST-EM).</param>
/// <param name="Digest">Weights digest of the committed checkpoint.</param>
/// <param name="Examples">Examples in D_i.</param>
/// <param name="ValidationReward">Validation pass@1 of the chosen epoch, or null when selection was off.</param>
/// <param name="ValidationHistory">Validation pass@1 after each epoch.</param>
public sealed record MStepResult(string StartDigest, string Digest, int Examples, double? ValidationReward, IReadOnlyList<double> ValidationHistory)
{
    /// <summary>The 1-based epoch whose weights were kept (0 when D_i was empty).</summary>
    public int BestEpoch { get; init; }
}
