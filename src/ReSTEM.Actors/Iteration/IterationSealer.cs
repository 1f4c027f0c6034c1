using ReSTEM.Core.Filtering;
using ReSTEM.Core.Problems;
using ReSTEM.Storage.Rows;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Actors.Iteration;

/// <summary>
/// The barrier's work: checks that every train problem of the iteration has exactly its K
/// samples on disk (no more, no fewer, no index twice), recomputes D_i from the stored samples
/// with the same filter the E-step used, and writes <c>train.parquet</c>.
/// </summary>
public sealed class IterationSealer
{
    private readonly SampleStore _samples;
    private readonly TableStore _tables;
    private readonly SampleFilter _filter;
    private readonly int _samplesPerProblem;

    /// <summary>Creates the sealer.</summary>
    public IterationSealer(SampleStore samples, TableStore tables, int samplesPerProblem, int maxCorrectPerProblem)
    {
        _samples = samples;
        _tables = tables;
        _samplesPerProblem = samplesPerProblem;
        _filter = new SampleFilter(maxCorrectPerProblem);
    }

    /// <summary>Seals iteration <paramref name="iteration"/> over <paramref name="trainProblems"/>.</summary>
    /// <exception cref="InvalidOperationException">A problem lacks samples or has extra ones (names the first few).</exception>
    public async Task<SealResult> SealAsync(int iteration, IReadOnlyList<Problem> trainProblems, CancellationToken cancellationToken)
    {
        // Indexes of every sample, but the text only of correct ones: the filter drops the rest,
        // and keeping them would hold the whole E-step in memory.
        var indexesByProblem = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var correctByProblem = new Dictionary<string, List<SampleRow>>(StringComparer.Ordinal);
        long rows = 0;
        await foreach (var row in _samples.ReadAsync(iteration, cancellationToken).ConfigureAwait(false))
        {
            if (!indexesByProblem.TryGetValue(row.ProblemId, out var indexes)) indexesByProblem[row.ProblemId] = indexes = [];
            indexes.Add(row.SampleIndex);
            if (row.Reward > 0)
            {
                if (!correctByProblem.TryGetValue(row.ProblemId, out var correct)) correctByProblem[row.ProblemId] = correct = [];
                correct.Add(row);
            }
            rows++;
        }

        var wanted = trainProblems.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var problem in trainProblems)
        {
            var indexes = indexesByProblem.TryGetValue(problem.Id, out var list) ? list.Order().ToList() : [];
            if (!indexes.SequenceEqual(Enumerable.Range(0, _samplesPerProblem)))
                problems.Add($"{problem.Id} has sample indexes [{string.Join(",", indexes)}]");
        }
        problems.AddRange(indexesByProblem.Keys.Where(id => !wanted.Contains(id)).Select(id => $"{id} is not a train problem of this run"));
        if (problems.Count > 0)
            throw new InvalidOperationException($"iteration {iteration} cannot be sealed: {problems.Count} problem(s) are inconsistent, e.g. {string.Join("; ", problems.Take(3))}");

        var train = new List<TrainRow>();
        foreach (var problem in trainProblems)
        {
            if (!correctByProblem.TryGetValue(problem.Id, out var correct)) continue;
            var samples = correct.OrderBy(r => r.SampleIndex).ToList();
            var accepted = _filter.Accept(samples.Select(r => (r.SampleIndex, r.Reward, r.Completion))).ToHashSet();
            train.AddRange(samples.Where(r => accepted.Contains(r.SampleIndex)).Select(r => new TrainRow
            {
                Iteration = iteration,
                ProblemId = r.ProblemId,
                SampleIndex = r.SampleIndex,
                Prompt = r.Prompt,
                Completion = r.Completion,
                Reward = r.Reward,
            }));
        }
        await _tables.WriteTrainSetAsync(iteration, train, cancellationToken).ConfigureAwait(false);
        return new SealResult(trainProblems.Count, rows, train.Count, train.Select(r => r.ProblemId).Distinct().Count());
    }
}
