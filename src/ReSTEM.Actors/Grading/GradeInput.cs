using System.Runtime.CompilerServices;
using ReSTEM.Core.Datasets;
using ReSTEM.Core.Problems;
using ReSTEM.Storage.Tables;

namespace ReSTEM.Actors.Grading;

/// <summary>
/// The records of a completions file (JSONL, JSONL.gz or Parquet) and how each becomes a
/// <see cref="GradeItem"/>: from the record's own task fields, or, with a problems file (the
/// human-eval layout: samples carry only <c>task_id</c> and <c>completion</c>), by looking the
/// problem up by its id.
/// </summary>
public sealed class GradeInput
{
    private readonly IReadOnlyDictionary<string, Problem>? _problems;

    /// <summary>Grades <paramref name="path"/> as task <paramref name="task"/>; <paramref name="problems"/> when records refer to a problems file.</summary>
    public GradeInput(string task, string path, IReadOnlyDictionary<string, Problem>? problems)
    {
        if (!ProblemReaders.Tasks.Contains(task))
            throw new ArgumentException($"unknown task '{task}'; known: {string.Join(", ", ProblemReaders.Tasks)}");
        if (!JsonlFile.IsJsonl(path) && !ParquetRows.IsParquet(path))
            throw new ArgumentException($"{path}: the input must be .jsonl, .jsonl.gz or .parquet");
        Task = task;
        Path = path;
        _problems = problems;
    }

    /// <summary>The task.</summary>
    public string Task { get; }

    /// <summary>The completions file.</summary>
    public string Path { get; }

    /// <summary>Reads a problems file (a dataset in the task's native format) into a lookup by problem id.</summary>
    /// <exception cref="DatasetFormatException">A record is malformed, or an id appears twice.</exception>
    public static async Task<IReadOnlyDictionary<string, Problem>> LoadProblemsAsync(string task, string path, CancellationToken cancellationToken)
    {
        var problems = new Dictionary<string, Problem>(StringComparer.Ordinal);
        await foreach (var row in Rows(path, cancellationToken).ConfigureAwait(false))
        {
            if (row.Error is not null) throw row.Error;
            var problem = ProblemReaders.Read(task, new Fields(row, path));
            if (!problems.TryAdd(problem.Id, problem))
                throw new DatasetFormatException(path, row.Number, null, $"problem id '{problem.Id}' appears twice");
        }
        return problems;
    }

    /// <summary>The input's records, streamed.</summary>
    public IAsyncEnumerable<DataRow> ReadAsync(CancellationToken cancellationToken) => Rows(Path, cancellationToken);

    /// <summary>Resolves one record.</summary>
    /// <exception cref="DatasetFormatException">The record lacks a field or names an unknown problem.</exception>
    public GradeItem Resolve(DataRow row)
    {
        if (row.Error is not null) throw row.Error;
        var fields = new Fields(row, Path);
        var completion = fields.OptionalString("completion") ?? throw fields.Error("completion", "is missing");
        Problem problem;
        if (_problems is null)
        {
            problem = ProblemReaders.Read(Task, fields);
        }
        else
        {
            var id = fields.FirstString("task_id", "problem_id", "id") ?? throw fields.Error("task_id", "is missing (it names the problem in the problems file)");
            problem = _problems.TryGetValue(id, out var found) ? found : throw fields.Error("task_id", $"'{id}' is not in the problems file");
        }
        return new GradeItem(row, problem, completion);
    }

    private static async IAsyncEnumerable<DataRow> Rows(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (ParquetRows.IsParquet(path))
        {
            await foreach (var row in ParquetRows.ReadAsync(path, cancellationToken).ConfigureAwait(false)) yield return row;
            yield break;
        }
        foreach (var row in JsonlFile.Read(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }
}
