using System.Text.Json.Serialization;

namespace ReSTEM.Core.Metrics;

/// <summary>The summary of a grading job (printed, and written as JSON by <c>--summary</c>).</summary>
/// <param name="Rows">Completions graded.</param>
/// <param name="Problems">Distinct problems.</param>
/// <param name="Passed">Completions that passed.</param>
/// <param name="Failed">
/// Completions that were verified and did not pass: every verdict but <c>passed</c> and
/// <c>sandbox_error</c> (the candidate is to blame).
/// </param>
/// <param name="Unverified">
/// Completions that could not be verified (verdict <c>sandbox_error</c>: our machinery or the
/// problem's gold data failed, not the candidate). The metrics count them as not passed.
/// </param>
/// <param name="Verdicts">Count of each verdict that occurred.</param>
/// <param name="Metrics">pass@k (and maj@k for math tasks), overall and per level / type.</param>
public sealed record GradeSummary(
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("problems")] int Problems,
    [property: JsonPropertyName("passed")] long Passed,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("unverified")] long Unverified,
    [property: JsonPropertyName("verdicts")] IReadOnlyDictionary<string, long> Verdicts,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);
