using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Rows;

/// <summary>
/// One problem's evaluation under one mode in <c>iter-&lt;i&gt;/eval.parquet</c>. The lists
/// hold every sample's answer, reward and completion, so pass@k and maj@k can be recomputed
/// from the file alone.
/// </summary>
public sealed class EvalRow
{
    /// <summary><c>iteration</c>: 0 for the base model.</summary>
    [JsonPropertyName("iteration")] public int Iteration { get; set; }

    /// <summary><c>split</c>: test or val.</summary>
    [JsonPropertyName("split")] public string Split { get; set; } = "";

    /// <summary><c>problem_id</c>.</summary>
    [JsonPropertyName("problem_id")] public string ProblemId { get; set; } = "";

    /// <summary><c>difficulty</c>.</summary>
    [JsonPropertyName("difficulty")] public int Difficulty { get; set; }

    /// <summary><c>mode</c>: greedy or sampled.</summary>
    [JsonPropertyName("mode")] public string Mode { get; set; } = "";

    /// <summary><c>n</c>: completions scored.</summary>
    [JsonPropertyName("n")] public int N { get; set; }

    /// <summary><c>correct</c>: completions with reward 1.</summary>
    [JsonPropertyName("correct")] public int Correct { get; set; }

    /// <summary><c>answers</c>: each completion's normalised extracted answer (empty string when none), in sample order.</summary>
    [JsonPropertyName("answers")] public List<string> Answers { get; set; } = [];

    /// <summary><c>rewards</c>: each completion's reward, in sample order.</summary>
    [JsonPropertyName("rewards")] public List<float> Rewards { get; set; } = [];

    /// <summary><c>completions</c>: the completions themselves, in sample order.</summary>
    [JsonPropertyName("completions")] public List<string> Completions { get; set; } = [];

    /// <summary><c>checkpoint_id</c>: the weights evaluated.</summary>
    [JsonPropertyName("checkpoint_id")] public string CheckpointId { get; set; } = "";
}
