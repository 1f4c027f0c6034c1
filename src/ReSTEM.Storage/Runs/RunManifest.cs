using System.Text.Json.Serialization;

namespace ReSTEM.Storage.Runs;

/// <summary>
/// <c>run.json</c>: what the run is (configuration, base model) and how far each iteration has
/// come. It is always written last, after the files it points to are durable.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The manifest format; bumped with a migration note when the layout changes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Manifest format.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = CurrentFormat;

    /// <summary>The run's identifier (stored in every sample row's <c>run_id</c>).</summary>
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    /// <summary>When the run was created (UTC).</summary>
    [JsonPropertyName("created_utc")] public DateTime CreatedUtc { get; init; }

    /// <summary>The task name.</summary>
    [JsonPropertyName("task")] public required string Task { get; init; }

    /// <summary>The base model: <c>builtin</c> or the Hugging Face folder it was loaded from.</summary>
    [JsonPropertyName("base_model")] public required string BaseModel { get; init; }

    /// <summary>SHA-256 of <see cref="ResumeKeys"/>: equal hashes mean a resume may go on.</summary>
    [JsonPropertyName("config_hash")] public required string ConfigHash { get; init; }

    /// <summary>The configuration values a resumed run must keep (keys are HOCON paths).</summary>
    [JsonPropertyName("resume_keys")] public required IReadOnlyDictionary<string, string> ResumeKeys { get; init; }

    /// <summary>The whole effective configuration, as HOCON text, for the record.</summary>
    [JsonPropertyName("config")] public string Config { get; init; } = "";

    /// <summary>Iterations planned (may grow when a finished run is carried on with more).</summary>
    [JsonPropertyName("iterations_planned")] public int IterationsPlanned { get; init; }

    /// <summary>The iteration records, 0 (base model) first.</summary>
    [JsonPropertyName("iterations")] public IReadOnlyList<IterationRecord> Iterations { get; init; } = [];

    /// <summary>Why the run stopped early (validation reward stopped improving), or null.</summary>
    [JsonPropertyName("stopped_early")] public string? StoppedEarly { get; init; }

    /// <summary>The record of iteration <paramref name="iteration"/>, or null.</summary>
    public IterationRecord? Find(int iteration) => Iterations.FirstOrDefault(r => r.Iteration == iteration);

    /// <summary>A copy with <paramref name="record"/> replacing (or adding) its iteration's record.</summary>
    public RunManifest With(IterationRecord record) => this with
    {
        Iterations = Iterations.Where(r => r.Iteration != record.Iteration).Append(record).OrderBy(r => r.Iteration).ToList(),
    };
}
