namespace ReSTEM.Storage.Export;

/// <summary>The file format of an exported dataset.</summary>
public enum ExportFormat
{
    /// <summary>JSON Lines: one object a line with <c>prompt</c>, <c>completion</c>, <c>problem_id</c>, <c>sample_index</c>, <c>iteration</c>, <c>reward</c>.</summary>
    Jsonl,

    /// <summary>Parquet with the same columns as <see cref="Jsonl"/>.</summary>
    Parquet,

    /// <summary>
    /// JSON Lines for Hugging Face <c>datasets</c> and chat fine-tuning tools: the
    /// <see cref="Jsonl"/> fields plus <c>messages</c> = [{role: user, content: prompt},
    /// {role: assistant, content: completion}].
    /// </summary>
    Hf,
}
