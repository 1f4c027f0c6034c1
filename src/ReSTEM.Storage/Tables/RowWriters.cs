namespace ReSTEM.Storage.Tables;

/// <summary>Chooses the output format by the file name.</summary>
public static class RowWriters
{
    /// <summary>A JSONL writer for <c>.jsonl</c> / <c>.jsonl.gz</c>, a Parquet writer for <c>.parquet</c>.</summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static IRowWriter Create(string path, RowSchema schema) =>
        ParquetRows.IsParquet(path) ? new ParquetRowWriter(path, schema)
        : path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jsonl.gz", StringComparison.OrdinalIgnoreCase) ? new JsonlRowWriter(path)
        : throw new ArgumentException($"{path}: the output must be .jsonl, .jsonl.gz or .parquet");
}
