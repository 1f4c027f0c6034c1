using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;
using ReSTEM.Storage.Files;
using ReSTEM.Storage.Rows;

namespace ReSTEM.Storage.Runs;

/// <summary>
/// The verified samples of each iteration, as numbered Parquet part files. Every part holds
/// whole problems (all K samples of each problem it contains), so a problem is sealed exactly
/// when it appears in a part: a crash loses only problems that were not yet written, and
/// resume never counts a sample twice.
/// </summary>
public sealed partial class SampleStore
{
    private readonly RunLayout _layout;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, int> _nextPart = [];

    /// <summary>Creates the store of the run laid out by <paramref name="layout"/>.</summary>
    public SampleStore(RunLayout layout)
    {
        _layout = layout;
    }

    /// <summary>Writes one part file of iteration <paramref name="iteration"/> atomically and returns its path.</summary>
    public async Task<string> WritePartAsync(int iteration, IReadOnlyCollection<SampleRow> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0) throw new ArgumentException("a part file needs at least one row", nameof(rows));
        if (rows.Any(r => r.Iteration != iteration)) throw new ArgumentException($"every row of an iteration-{iteration} part must have iteration {iteration}", nameof(rows));
        int part;
        lock (_lock)
        {
            if (!_nextPart.TryGetValue(iteration, out part))
            {
                part = PartFiles(iteration).Select(p => PartNumber(p)).DefaultIfEmpty(0).Max() + 1;
            }
            _nextPart[iteration] = part + 1;
        }
        var path = Path.Combine(_layout.Samples(iteration), $"part-{part:D6}.parquet");
        await ParquetFile.WriteAsync(path, rows, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>The committed part files of an iteration, in part order (temporary files excluded).</summary>
    public IReadOnlyList<string> PartFiles(int iteration)
    {
        var dir = _layout.Samples(iteration);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir)
            .Where(p => PartName().IsMatch(Path.GetFileName(p)))
            .OrderBy(PartNumber)
            .ToList();
    }

    /// <summary>
    /// Files in the samples folder that are neither committed parts nor temporary leftovers:
    /// something foreign that the run did not write.
    /// </summary>
    public IReadOnlyList<string> ForeignFiles(int iteration)
    {
        var dir = _layout.Samples(iteration);
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFileSystemEntries(dir)
            .Where(p =>
            {
                var name = Path.GetFileName(p);
                return !PartName().IsMatch(name) && !name.StartsWith(AtomicFile.TempPrefix, StringComparison.Ordinal);
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Reads only the <c>problem_id</c> and <c>sample_index</c> columns of every part: which
    /// sample indexes each problem has, and any (problem, index) pair stored twice.
    /// </summary>
    /// <exception cref="DamagedFileException">A part cannot be read.</exception>
    public async Task<SampleScan> ScanAsync(int iteration, CancellationToken cancellationToken = default)
    {
        var perProblem = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var duplicates = new List<(string, int)>();
        long rows = 0;
        var parts = PartFiles(iteration);
        foreach (var part in parts)
        {
            try
            {
                await using var stream = File.OpenRead(part);
                await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                var problemField = FindField(reader.Schema, "problem_id", part);
                var indexField = FindField(reader.Schema, "sample_index", part);
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var count = checked((int)group.RowCount);
                    var ids = new string?[count];
                    var indexes = new int[count];
                    await group.ReadAsync(problemField, ids.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    await group.ReadAsync(indexField, indexes.AsMemory(), null, cancellationToken).ConfigureAwait(false);
                    for (var r = 0; r < count; r++)
                    {
                        var id = ids[r] ?? throw new DamagedFileException(part, $"row {r} of row group {g} has no problem_id");
                        if (!perProblem.TryGetValue(id, out var list)) perProblem[id] = list = [];
                        if (list.Contains(indexes[r])) duplicates.Add((id, indexes[r]));
                        else list.Add(indexes[r]);
                    }
                    rows += count;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException and not DamagedFileException)
            {
                throw new DamagedFileException(part, e.Message, e);
            }
        }
        return new SampleScan(parts, rows, perProblem.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value, StringComparer.Ordinal), duplicates);
    }

    /// <summary>Reads every sample row of an iteration, part by part.</summary>
    public async IAsyncEnumerable<SampleRow> ReadAsync(int iteration, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var part in PartFiles(iteration))
        {
            foreach (var row in await ParquetFile.ReadAsync<SampleRow>(part, cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    private static DataField FindField(ParquetSchema schema, string name, string path) =>
        schema.DataFields.FirstOrDefault(f => f.Name == name)
        ?? throw new DamagedFileException(path, $"it has no '{name}' column, so it is not a sample file of this project");

    private static int PartNumber(string path) =>
        int.Parse(PartName().Match(Path.GetFileName(path)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^part-(\d{6,})\.parquet$")]
    private static partial Regex PartName();
}
