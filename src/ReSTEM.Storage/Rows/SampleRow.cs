using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Rows;

/// <summary>
/// One verified sample as stored in <c>iter-&lt;i&gt;/samples/*.parquet</c>. Column names are
/// part of the project's public surface (users query them with DuckDB): they do not change
/// without a migration note in README.md.
/// </summary>
public sealed class SampleRow
{
    /// <summary><c>run_id</c>.</summary>
    [JsonPropertyName("run_id")] public string RunId { get; set; } = "";

    /// <summary><c>iteration</c>: the ReST-EM iteration whose E-step drew it (1-based).</summary>
    [JsonPropertyName("iteration")] public int Iteration { get; set; }

    /// <summary><c>problem_id</c>.</summary>
    [JsonPropertyName("problem_id")] public string ProblemId { get; set; } = "";

    /// <summary><c>sample_index</c>: 0..K-1 within the problem.</summary>
    [JsonPropertyName("sample_index")] public int SampleIndex { get; set; }

    /// <summary><c>seed</c>: reproduces the completion with the same checkpoint, prompt and sampling options.</summary>
    [JsonPropertyName("seed")] public long Seed { get; set; }

    /// <summary><c>prompt</c>.</summary>
    [JsonPropertyName("prompt")] public string Prompt { get; set; } = "";

    /// <summary><c>completion</c>.</summary>
    [JsonPropertyName("completion")] public string Completion { get; set; } = "";

    /// <summary><c>reward</c>: 1 or 0.</summary>
    [JsonPropertyName("reward")] public float Reward { get; set; }

    /// <summary><c>verdict</c>: passed, failed, no_answer, timeout, memory, crash, output_limit, sandbox_error.</summary>
    [JsonPropertyName("verdict")] public string Verdict { get; set; } = "";

    /// <summary><c>reason</c>: why the verdict (empty for a pass).</summary>
    [JsonPropertyName("reason")] public string Reason { get; set; } = "";

    /// <summary><c>extracted_answer</c>: the normalised final answer, or null.</summary>
    [JsonPropertyName("extracted_answer")] public string? ExtractedAnswer { get; set; }

    /// <summary><c>prompt_tokens</c>.</summary>
    [JsonPropertyName("prompt_tokens")] public int PromptTokens { get; set; }

    /// <summary><c>completion_tokens</c>.</summary>
    [JsonPropertyName("completion_tokens")] public int CompletionTokens { get; set; }

    /// <summary><c>checkpoint_id</c>: the weights that generated it.</summary>
    [JsonPropertyName("checkpoint_id")] public string CheckpointId { get; set; } = "";

    /// <summary><c>generate_ms</c>: wall time of the generation batch it came from.</summary>
    [JsonPropertyName("generate_ms")] public float GenerateMs { get; set; }

    /// <summary><c>verify_ms</c>: wall time of its verification.</summary>
    [JsonPropertyName("verify_ms")] public float VerifyMs { get; set; }

    /// <summary><c>finish_reason</c>: eos, stop or length.</summary>
    [JsonPropertyName("finish_reason")] public string FinishReason { get; set; } = "";

    /// <summary><c>difficulty</c>: the problem's level (0 when unknown).</summary>
    [JsonPropertyName("difficulty")] public int Difficulty { get; set; }

    /// <summary><c>accepted</c>: whether the filter put it into the iteration's training set D_i.</summary>
    [JsonPropertyName("accepted")] public bool Accepted { get; set; }
}
