using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReSTEM.Storage.Files;

namespace ReSTEM.Storage.Runs;

/// <summary>Reads and atomically writes <c>run.json</c>.</summary>
public sealed class ManifestStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly RunLayout _layout;

    /// <summary>Creates the store of the run laid out by <paramref name="layout"/>.</summary>
    public ManifestStore(RunLayout layout)
    {
        _layout = layout;
    }

    /// <summary>Whether the run folder has a manifest.</summary>
    public bool Exists => File.Exists(_layout.Manifest);

    /// <summary>Reads the manifest.</summary>
    /// <exception cref="DamagedFileException">It is not a readable manifest.</exception>
    public RunManifest Load()
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllBytes(_layout.Manifest), Json)
                ?? throw new JsonException("the file holds null");
            if (manifest.Format > RunManifest.CurrentFormat)
                throw new JsonException($"format {manifest.Format} is newer than this program understands ({RunManifest.CurrentFormat})");
            return manifest;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new DamagedFileException(_layout.Manifest, e.Message, e);
        }
    }

    /// <summary>Writes the manifest atomically.</summary>
    public Task SaveAsync(RunManifest manifest, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAllTextAsync(_layout.Manifest, JsonSerializer.Serialize(manifest, Json) + "\n", cancellationToken);

    /// <summary>The SHA-256 (hex) of resume keys, independent of their order.</summary>
    public static string HashKeys(IReadOnlyDictionary<string, string> keys)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in keys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The keys whose values differ between a stored run and a new configuration ("key: old -> new").</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> stored, IReadOnlyDictionary<string, string> current) =>
        stored.Keys.Union(current.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(k => stored.GetValueOrDefault(k) != current.GetValueOrDefault(k))
            .Select(k => $"{k}: {stored.GetValueOrDefault(k) ?? "(absent)"} -> {current.GetValueOrDefault(k) ?? "(absent)"}")
            .ToList();
}
