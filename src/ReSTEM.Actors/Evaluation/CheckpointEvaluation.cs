using ReSTEM.Actors.Runs;
using ReSTEM.Core.Metrics;
using ReSTEM.Core.Problems;
using ReSTEM.Core.Sampling;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Actors.Evaluation;

/// <summary>
/// Evaluates one iteration's policy: greedy pass@1 and sampled pass@k / maj@k on the test
/// split, greedy pass@1 on the validation split; writes <c>eval.parquet</c> and
/// <c>metrics.json</c> and returns the metrics.
/// </summary>
public sealed class CheckpointEvaluation
{
    private readonly RunContext _run;
    private readonly PolicyEvaluator _evaluator;

    /// <summary>Creates the evaluation of <paramref name="run"/>'s checkpoints.</summary>
    public CheckpointEvaluation(RunContext run, PolicyEvaluator evaluator)
    {
        _run = run;
        _evaluator = evaluator;
    }

    /// <summary>Scores <paramref name="generator"/> (iteration <paramref name="iteration"/>'s policy) and writes the results.</summary>
    public async Task<IReadOnlyDictionary<string, double>> RunAsync(
        int iteration, ICompletionGenerator generator, IProgress<(string Part, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var (rows, metrics) = await ScoreAsync(iteration, generator, progress, cancellationToken).ConfigureAwait(false);
        await _run.Tables.WriteEvaluationAsync(iteration, rows, metrics, cancellationToken).ConfigureAwait(false);
        return metrics;
    }

    /// <summary>
    /// Scores <paramref name="generator"/> as iteration <paramref name="iteration"/>'s policy
    /// (the iteration picks the sampling seeds, so a checkpoint scored again gets the same
    /// samples) and returns the rows of eval.parquet and the metrics, without writing them.
    /// </summary>
    public async Task<(IReadOnlyList<EvalRow> Rows, IReadOnlyDictionary<string, double> Metrics)> ScoreAsync(
        int iteration, ICompletionGenerator generator, IProgress<(string Part, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var options = _run.Options.Evaluation;
        var seed = _run.Options.Seed + 7_000_003L * (iteration + 1);
        var rows = new List<EvalRow>();
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);

        var greedy = await _evaluator.ScoreAsync(generator, _run.TestProblems, 1, 0, seed, Report("test greedy"), cancellationToken).ConfigureAwait(false);
        rows.AddRange(PolicyEvaluator.ToRows(greedy, iteration, Split.Test, "greedy", generator.CheckpointId));
        Merge(metrics, MetricsCalculator.Greedy(greedy.Select(s => s.ToOutcome()).ToList()));

        if (options.SamplesPerProblem > 0)
        {
            var sampled = await _evaluator.ScoreAsync(generator, _run.TestProblems, options.SamplesPerProblem, options.Temperature, seed, Report("test sampled"), cancellationToken).ConfigureAwait(false);
            rows.AddRange(PolicyEvaluator.ToRows(sampled, iteration, Split.Test, "sampled", generator.CheckpointId));
            Merge(metrics, MetricsCalculator.Sampled(sampled.Select(s => s.ToOutcome()).ToList(), options.K));
        }

        if (_run.ValidationProblems.Count > 0)
        {
            var validation = await _evaluator.ScoreAsync(generator, _run.ValidationProblems, 1, 0, seed, Report("validation greedy"), cancellationToken).ConfigureAwait(false);
            rows.AddRange(PolicyEvaluator.ToRows(validation, iteration, Split.Validation, "greedy", generator.CheckpointId));
            Merge(metrics, MetricsCalculator.Greedy(validation.Select(s => s.ToOutcome()).ToList(), "val_"));
        }

        return (rows, metrics);

        IProgress<(int Done, int Total)>? Report(string part) =>
            progress is null ? null : new SynchronousProgress<(int Done, int Total)>(p => progress.Report((part, p.Done, p.Total)));
    }

    private static void Merge(SortedDictionary<string, double> into, IReadOnlyDictionary<string, double> from)
    {
        foreach (var (key, value) in from) into[key] = value;
    }
}
