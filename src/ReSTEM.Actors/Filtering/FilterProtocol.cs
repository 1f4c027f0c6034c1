using ReSTEM.Core.Filtering;
using ReSTEM.Core.Samples;

namespace ReSTEM.Actors.Filtering;

/// <summary>Add one verified sample; the reply is <see cref="SampleCollected"/>.</summary>
/// <param name="Sample">The sample.</param>
public sealed record CollectSample(VerifiedSample Sample);

/// <summary>The sample is in; <paramref name="Completed"/> is its problem's whole group when it was the last one.</summary>
/// <param name="Completed">The completed problem, or null.</param>
public sealed record SampleCollected(CompletedProblem? Completed);

/// <summary>Forget every partial problem (a new pass over unsealed problems begins); the reply is <see cref="PendingDiscarded"/>.</summary>
public sealed record DiscardPending
{
    /// <summary>The only instance.</summary>
    public static DiscardPending Instance { get; } = new();

    private DiscardPending()
    {
    }
}

/// <summary>Partial problems were forgotten.</summary>
/// <param name="Problems">How many.</param>
public sealed record PendingDiscarded(int Problems);
