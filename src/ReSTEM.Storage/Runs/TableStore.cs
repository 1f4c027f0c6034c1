using System.Text.Json;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Storage.Runs;

/// <summary>The per-iteration tables other than samples: D_i, evaluation rows and the metrics summary.</summary>
public sealed class TableStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly RunLayout _layout;

    /// <summary>Creates the store of the run laid out by <paramref name="layout"/>.</summary>
    public TableStore(RunLayout layout)
    {
        _layout = layout;
    }

    /// <summary>Writes <c>iter-&lt;i&gt;/train.parquet</c> atomically.</summary>
    public Task WriteTrainSetAsync(int iteration, IReadOnlyCollection<TrainRow> rows, CancellationToken cancellationToken = default) =>
        ParquetFile.WriteAsync(_layout.TrainSet(iteration), rows, cancellationToken);

    /// <summary>Reads <c>iter-&lt;i&gt;/train.parquet</c>.</summary>
    public Task<IReadOnlyList<TrainRow>> ReadTrainSetAsync(int iteration, CancellationToken cancellationToken = default) =>
        ParquetFile.ReadAsync<TrainRow>(_layout.TrainSet(iteration), cancellationToken);

    /// <summary>Writes <c>iter-&lt;i&gt;/eval.parquet</c> and then <c>metrics.json</c>, each atomically.</summary>
    public async Task WriteEvaluationAsync(int iteration, IReadOnlyCollection<EvalRow> rows, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default)
    {
        await ParquetFile.WriteAsync(_layout.Eval(iteration), rows, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(_layout.Metrics(iteration), JsonSerializer.Serialize(metrics, Json) + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>iter-&lt;i&gt;/eval.parquet</c>.</summary>
    public Task<IReadOnlyList<EvalRow>> ReadEvaluationAsync(int iteration, CancellationToken cancellationToken = default) =>
        ParquetFile.ReadAsync<EvalRow>(_layout.Eval(iteration), cancellationToken);
}
