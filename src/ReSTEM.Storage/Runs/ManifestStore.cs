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

    /// <summary>
    /// Writes the manifest atomically, keeping the version it replaces as <c>run.json.bak</c>:
    /// should run.json ever be damaged (a disk fault, an edit), <c>--quarantine</c> falls back to
    /// it and at most one phase is done again.
    /// </summary>
    public async Task SaveAsync(RunManifest manifest, CancellationToken cancellationToken = default)
    {
        if (File.Exists(_layout.Manifest) && TryLoad(_layout.Manifest) is not null)
        {
            await AtomicFile.WriteAsync(BackupPath, async (stream, ct) =>
            {
                await using var current = File.OpenRead(_layout.Manifest);
                await current.CopyToAsync(stream, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        await AtomicFile.WriteAllTextAsync(_layout.Manifest, JsonSerializer.Serialize(manifest, Json) + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>run.json.bak</c>: the manifest before its last update.</summary>
    public string BackupPath => _layout.Manifest + ".bak";

    /// <summary>The backup manifest, when it exists and is readable.</summary>
    public RunManifest? LoadBackup() => File.Exists(BackupPath) ? TryLoad(BackupPath) : null;

    private static RunManifest? TryLoad(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllBytes(path), Json);
            return manifest?.Format <= RunManifest.CurrentFormat ? manifest : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or IOException)
        {
            return null;
        }
    }

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
