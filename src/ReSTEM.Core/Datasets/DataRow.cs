using System.Text.Json.Nodes;

namespace ReSTEM.Core.Datasets;

/// <summary>One record of a dataset or completions file, with its position for error messages.</summary>
/// <param name="Number">1-based line (JSONL) or row (Parquet) number.</param>
/// <param name="Fields">The record's fields (empty when the line could not be read).</param>
/// <param name="Error">Why the line is not a record, when it is not (malformed JSON); null for a readable record.</param>
public sealed record DataRow(long Number, JsonObject Fields, DatasetFormatException? Error = null);
