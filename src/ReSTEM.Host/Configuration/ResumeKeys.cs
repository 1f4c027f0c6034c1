namespace ReSTEM.Host.Configuration;

/// <summary>
/// The configuration values a run must keep to stay consistent when it is carried on: what is
/// sampled, how it is filtered and trained on, from which base, and how it is evaluated.
/// Settings of speed and place (parallelism, timeouts, device, the folder, the number of
/// iterations) may change between resumes.
/// </summary>
public static class ResumeKeys
{
    private static readonly string[] FreePrefixes =
    [
        "restem.iterations",
        "restem.early-stop",
        "restem.run-name",
        "restem.runs-dir",
        "restem.verification.",
        "restem.pipeline.",
        "restem.telemetry.",
        "restem.cluster.",
        "restem.model.device",
        "restem.sampling.samplers",
        "restem.sampling.problems-per-batch",
        "restem.sampling.max-concurrent-sequences",
    ];

    /// <summary>The keys of <paramref name="document"/> that a resume must not change, with their values.</summary>
    public static IReadOnlyDictionary<string, string> From(HoconDocument document) =>
        document.EffectiveLeaves()
            .Where(kv => !FreePrefixes.Any(p => kv.Key == p || (p.EndsWith('.') && kv.Key.StartsWith(p, StringComparison.Ordinal))))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
