using System.Text.Json.Serialization;

namespace ReSTEM.Core.Metrics;

/// <summary>The summary of a grading job (printed, and written as JSON by <c>--summary</c>).</summary>
/// <param name="Rows">Completions graded.</param>
/// <param name="Problems">Distinct problems.</param>
/// <param name="Passed">Completions that passed.</param>
/// <param name="Verdicts">Count of each verdict that occurred.</param>
/// <param name="Metrics">pass@k (and maj@k for math tasks), overall and per level / type.</param>
public sealed record GradeSummary(
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("problems")] int Problems,
    [property: JsonPropertyName("passed")] long Passed,
    [property: JsonPropertyName("verdicts")] IReadOnlyDictionary<string, long> Verdicts,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics);
