using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Rows;

/// <summary>One example of D_i in <c>iter-&lt;i&gt;/train.parquet</c>: a correct, deduplicated, capped sample.</summary>
public sealed class TrainRow
{
    /// <summary><c>iteration</c>.</summary>
    [JsonPropertyName("iteration")] public int Iteration { get; set; }

    /// <summary><c>problem_id</c>.</summary>
    [JsonPropertyName("problem_id")] public string ProblemId { get; set; } = "";

    /// <summary><c>sample_index</c>: the sample it came from.</summary>
    [JsonPropertyName("sample_index")] public int SampleIndex { get; set; }

    /// <summary><c>prompt</c>.</summary>
    [JsonPropertyName("prompt")] public string Prompt { get; set; } = "";

    /// <summary><c>completion</c>.</summary>
    [JsonPropertyName("completion")] public string Completion { get; set; } = "";

    /// <summary><c>reward</c>: the loss weight (1 under the binary reward).</summary>
    [JsonPropertyName("reward")] public float Reward { get; set; }
}
