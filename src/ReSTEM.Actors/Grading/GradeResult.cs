using ReSTEM.Core.Metrics;

namespace ReSTEM.Actors.Grading;

/// <summary>How a grading job ended.</summary>
/// <param name="Summary">Counts and metrics.</param>
/// <param name="RejectedRows">Malformed records set aside.</param>
/// <param name="RejectedPath">Where they were written, when there were any.</param>
/// <param name="Elapsed">Time spent grading.</param>
public sealed record GradeResult(GradeSummary Summary, long RejectedRows, string? RejectedPath, TimeSpan Elapsed);
