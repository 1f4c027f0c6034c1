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
    public Task WriteEvaluationAsync(int iteration, IReadOnlyCollection<EvalRow> rows, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default) =>
        WriteEvaluationAsync(_layout.Eval(iteration), _layout.Metrics(iteration), rows, metrics, cancellationToken);

    /// <summary>Writes evaluation rows to <paramref name="evalPath"/> and then the metrics to <paramref name="metricsPath"/>, each atomically (also outside a run folder).</summary>
    public static async Task WriteEvaluationAsync(
        string evalPath, string metricsPath, IReadOnlyCollection<EvalRow> rows, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken = default)
    {
        await ParquetFile.WriteAsync(evalPath, rows, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(metricsPath, JsonSerializer.Serialize(metrics, Json) + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>iter-&lt;i&gt;/eval.parquet</c>.</summary>
    public Task<IReadOnlyList<EvalRow>> ReadEvaluationAsync(int iteration, CancellationToken cancellationToken = default) =>
        ParquetFile.ReadAsync<EvalRow>(_layout.Eval(iteration), cancellationToken);
}
