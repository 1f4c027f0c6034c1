using ReSTEM.Core.Problems;
using ReSTEM.Core.Samples;

namespace ReSTEM.Actors.Sampling;

/// <summary>Load a checkpoint as the sampler's policy; the reply is <see cref="PolicyLoaded"/>.</summary>
/// <param name="CheckpointDir">The folder.</param>
/// <param name="CheckpointId">Its id, stored with every sample.</param>
public sealed record LoadPolicy(string CheckpointDir, string CheckpointId);

/// <summary>The sampler now draws from <paramref name="CheckpointId"/>.</summary>
/// <param name="CheckpointId">The loaded checkpoint.</param>
public sealed record PolicyLoaded(string CheckpointId);

/// <summary>Draw K samples for each problem of a batch; the reply is <see cref="BatchGenerated"/> or <see cref="BatchFailed"/>.</summary>
/// <param name="Iteration">The E-step's iteration (part of every sample's seed).</param>
/// <param name="Problems">The problems.</param>
public sealed record GenerateBatch(int Iteration, IReadOnlyList<Problem> Problems);

/// <summary>All K samples of every problem of a batch.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="Samples">The samples, problem by problem.</param>
public sealed record BatchGenerated(int Iteration, IReadOnlyList<GeneratedSample> Samples);

/// <summary>A batch could not be generated; its problems stay unsealed and are drawn again.</summary>
/// <param name="Iteration">The iteration.</param>
/// <param name="ProblemIds">The batch's problems.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record BatchFailed(int Iteration, IReadOnlyList<string> ProblemIds, string Reason);

/// <summary>
/// Give the policy's weights back (before the trainer or the evaluator loads its own on the
/// device); the reply is <see cref="PolicyReleased"/> once they are released. The next
/// <see cref="LoadPolicy"/> takes them again, and a sampler restarted in between does not.
/// </summary>
public sealed record ReleasePolicy
{
    private ReleasePolicy()
    {
    }

    /// <summary>The one instance.</summary>
    public static ReleasePolicy Instance { get; } = new();
}

/// <summary>The sampler holds no policy now.</summary>
/// <param name="CheckpointId">The checkpoint it released, or null when it held none.</param>
public sealed record PolicyReleased(string? CheckpointId);
