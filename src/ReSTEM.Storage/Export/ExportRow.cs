using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Export;

/// <summary>One training example of an exported dataset: a prompt and the completion to learn, with where it came from.</summary>
public sealed class ExportRow
{
    /// <summary><c>prompt</c>: the text the model continued.</summary>
    [JsonPropertyName("prompt")] public string Prompt { get; set; } = "";

    /// <summary><c>completion</c>: the verified completion.</summary>
    [JsonPropertyName("completion")] public string Completion { get; set; } = "";

    /// <summary><c>problem_id</c>.</summary>
    [JsonPropertyName("problem_id")] public string ProblemId { get; set; } = "";

    /// <summary><c>sample_index</c>: the sample's index within its problem's K samples.</summary>
    [JsonPropertyName("sample_index")] public int SampleIndex { get; set; }

    /// <summary><c>iteration</c>: the iteration whose E-step drew it.</summary>
    [JsonPropertyName("iteration")] public int Iteration { get; set; }

    /// <summary><c>reward</c>: the verifier's reward (1 for every exported sample of a binary task).</summary>
    [JsonPropertyName("reward")] public float Reward { get; set; }
}
