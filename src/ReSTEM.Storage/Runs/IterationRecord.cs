using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Runs;

/// <summary>The manifest's entry for one iteration (0 = the base model).</summary>
public sealed record IterationRecord
{
    /// <summary>The iteration number.</summary>
    [JsonPropertyName("iteration")] public required int Iteration { get; init; }

    /// <summary>How far it has come.</summary>
    [JsonPropertyName("phase")] public required IterationPhase Phase { get; init; }

    /// <summary>Train problems whose samples are sealed (set when the iteration is sealed).</summary>
    [JsonPropertyName("sealed_problems")] public int SealedProblems { get; init; }

    /// <summary>Sample rows of the E-step (set when sealed).</summary>
    [JsonPropertyName("sample_rows")] public long SampleRows { get; init; }

    /// <summary>Rows of D_i (set when sealed).</summary>
    [JsonPropertyName("train_rows")] public int TrainRows { get; init; }

    /// <summary>The committed checkpoint's identifier (set when trained).</summary>
    [JsonPropertyName("checkpoint_id")] public string? CheckpointId { get; init; }

    /// <summary>SHA-256 of the committed checkpoint's weights (set when trained).</summary>
    [JsonPropertyName("digest")] public string? Digest { get; init; }

    /// <summary>SHA-256 of the weights the M-step started from (set when trained): the base model's under ReST-EM.</summary>
    [JsonPropertyName("started_from_digest")] public string? StartedFromDigest { get; init; }

    /// <summary>The checkpoint the M-step started from (set when trained): the base model's id under ReST-EM.</summary>
    [JsonPropertyName("started_from")] public string? StartedFrom { get; init; }

    /// <summary>Headline metrics (set when evaluated): e.g. <c>pass@1</c>, <c>pass@8</c>, <c>maj@8</c>, <c>val_pass@1</c>.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Validation pass@1 after each M-step epoch (set when trained, when selection is on).</summary>
    [JsonPropertyName("validation_history")] public IReadOnlyList<double>? ValidationHistory { get; init; }

    /// <summary>When this record last changed (UTC).</summary>
    [JsonPropertyName("updated_utc")] public DateTime UpdatedUtc { get; init; }
}
