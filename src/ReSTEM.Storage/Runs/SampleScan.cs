namespace ReSTEM.Storage.Runs;

/// <summary>What the committed sample parts of one iteration hold.</summary>
/// <param name="Parts">The part files read.</param>
/// <param name="Rows">Rows in all parts.</param>
/// <param name="SampleIndexes">Per problem, the distinct sample indexes stored.</param>
/// <param name="Duplicates">(problem, sample index) pairs stored more than once; empty in a healthy run.</param>
public sealed record SampleScan(
    IReadOnlyList<string> Parts,
    long Rows,
    IReadOnlyDictionary<string, IReadOnlyList<int>> SampleIndexes,
    IReadOnlyList<(string ProblemId, int SampleIndex)> Duplicates)
{
    /// <summary>Problems that have all <paramref name="samplesPerProblem"/> samples (indexes 0..K-1): sealed.</summary>
    public IReadOnlySet<string> Sealed(int samplesPerProblem) =>
        SampleIndexes.Where(kv => kv.Value.Count == samplesPerProblem && kv.Value.All(i => i >= 0 && i < samplesPerProblem))
            .Select(kv => kv.Key)
            .ToHashSet(StringComparer.Ordinal);
}
