using ReSTEM.Core.Samples;

namespace ReSTEM.Core.Filtering;

/// <summary>All K verified samples of one problem, with the indexes the filter accepted into D_i.</summary>
/// <param name="ProblemId">The problem.</param>
/// <param name="Samples">Its samples in sample-index order.</param>
/// <param name="Accepted">Sample indexes accepted by the filter.</param>
public sealed record CompletedProblem(string ProblemId, IReadOnlyList<VerifiedSample> Samples, IReadOnlySet<int> Accepted);
