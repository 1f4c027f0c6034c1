using System.Text;
using System.Text.Json;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Runs;

namespace ReSTEM.Storage.Export;

/// <summary>
/// A run's self-generated training data as a dataset other tools train on: D_i
/// (<c>iter-&lt;i&gt;/train.parquet</c>: correct, deduplicated, capped) or every accepted sample of
/// iteration i's E-step (reward &gt; 0 rows of <c>iter-&lt;i&gt;/samples</c>, before dedup and cap).
/// The output file is written atomically.
/// </summary>
public sealed class DatasetExport
{
    private readonly RunLayout _layout;

    /// <summary>Creates the export of the run laid out by <paramref name="layout"/>.</summary>
    public DatasetExport(RunLayout layout)
    {
        _layout = layout;
    }

    /// <summary>Whether iteration <paramref name="iteration"/> has the data asked for (D_i sealed, or sample parts written).</summary>
    public bool Has(int iteration, bool allAccepted) =>
        allAccepted ? new SampleStore(_layout).PartFiles(iteration).Count > 0 : File.Exists(_layout.TrainSet(iteration));

    /// <summary>The iterations that have the data asked for, in order.</summary>
    public IReadOnlyList<int> Available(bool allAccepted)
    {
        if (!Directory.Exists(_layout.Root)) return [];
        return Directory.EnumerateDirectories(_layout.Root, "iter-*")
            .Select(d => int.TryParse(Path.GetFileName(d)["iter-".Length..], out var i) ? i : -1)
            .Where(i => i >= 0 && Has(i, allAccepted))
            .Order()
            .ToList();
    }

    /// <summary>The rows of the export.</summary>
    /// <exception cref="FileNotFoundException">The iteration has no such data (see <see cref="Has"/>).</exception>
    /// <exception cref="DamagedFileException">A file of the run cannot be read.</exception>
    public async Task<IReadOnlyList<ExportRow>> RowsAsync(int iteration, bool allAccepted, CancellationToken cancellationToken = default)
    {
        if (!Has(iteration, allAccepted))
            throw new FileNotFoundException(allAccepted ? $"{_layout.Samples(iteration)} holds no sample parts" : $"{_layout.TrainSet(iteration)} does not exist");
        if (!allAccepted)
        {
            var train = await new TableStore(_layout).ReadTrainSetAsync(iteration, cancellationToken).ConfigureAwait(false);
            return train.Select(r => new ExportRow
            {
                Prompt = r.Prompt, Completion = r.Completion, ProblemId = r.ProblemId, SampleIndex = r.SampleIndex, Iteration = r.Iteration, Reward = r.Reward,
            }).ToList();
        }
        var rows = new List<ExportRow>();
        await foreach (var s in new SampleStore(_layout).ReadAsync(iteration, cancellationToken).ConfigureAwait(false))
        {
            if (s.Reward <= 0) continue;
            rows.Add(new ExportRow
            {
                Prompt = s.Prompt, Completion = s.Completion, ProblemId = s.ProblemId, SampleIndex = s.SampleIndex, Iteration = s.Iteration, Reward = s.Reward,
            });
        }
        return rows.OrderBy(r => r.ProblemId, StringComparer.Ordinal).ThenBy(r => r.SampleIndex).ToList();
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> in <paramref name="format"/>, atomically.</summary>
    public static Task WriteAsync(string path, IReadOnlyCollection<ExportRow> rows, ExportFormat format, CancellationToken cancellationToken = default) =>
        format == ExportFormat.Parquet
            ? ParquetFile.WriteAsync(path, rows, cancellationToken)
            : AtomicFile.WriteAsync(path, async (stream, ct) =>
            {
                var newline = Encoding.UTF8.GetBytes("\n");
                // The same escaping as the other JSONL files we write: '+' and '<' stay readable.
                await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                foreach (var row in rows)
                {
                    WriteObject(json, row, format == ExportFormat.Hf);
                    await json.FlushAsync(ct).ConfigureAwait(false);
                    await stream.WriteAsync(newline, ct).ConfigureAwait(false);
                    json.Reset(stream);
                }
            }, cancellationToken);

    private static void WriteObject(Utf8JsonWriter json, ExportRow row, bool messages)
    {
        json.WriteStartObject();
        if (messages)
        {
            json.WriteStartArray("messages");
            foreach (var (role, content) in new[] { ("user", row.Prompt), ("assistant", row.Completion) })
            {
                json.WriteStartObject();
                json.WriteString("role", role);
                json.WriteString("content", content);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteString("prompt", row.Prompt);
        json.WriteString("completion", row.Completion);
        json.WriteString("problem_id", row.ProblemId);
        json.WriteNumber("sample_index", row.SampleIndex);
        json.WriteNumber("iteration", row.Iteration);
        json.WriteNumber("reward", row.Reward);
        json.WriteEndObject();
    }
}
