using System.Text.Json.Nodes;

namespace ReSTEM.Core.Datasets;

/// <summary>One record of a dataset or completions file, with its position for error messages.</summary>
/// <param name="Number">1-based line (JSONL) or row (Parquet) number.</param>
/// <param name="Fields">The record's fields (empty when the line could not be read).</param>
/// <param name="Error">Why the line is not a record, when it is not (malformed JSON); null for a readable record.</param>
/// <param name="Text">
/// The line as it stands in the file when it could not be read as a record, so that a rejected
/// line keeps its content (bytes that are not UTF-8 show as U+FFFD); null for a readable record
/// and for a line too long to hold.
/// </param>
public sealed record DataRow(long Number, JsonObject Fields, DatasetFormatException? Error = null, string? Text = null);
