using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ReSTEM.Host.Configuration;

/// <summary>
/// The effective configuration of a command: the user's file and <c>--set</c> overrides over
/// the embedded <c>reference.conf</c>. Knows every key the reference defines, so an unknown
/// key is refused by name instead of silently ignored.
/// </summary>
public sealed class HoconDocument
{
    private HoconDocument(Config effective, Config user, IReadOnlyDictionary<string, string> referenceLeaves, string source)
    {
        Effective = effective;
        User = user;
        ReferenceLeaves = referenceLeaves;
        Source = source;
    }

    /// <summary>User settings over the reference.</summary>
    public Config Effective { get; }

    /// <summary>Only what the user set (file and overrides).</summary>
    public Config User { get; }

    /// <summary>Every leaf key of the reference with its default.</summary>
    public IReadOnlyDictionary<string, string> ReferenceLeaves { get; }

    /// <summary>Where the user settings came from (for messages).</summary>
    public string Source { get; }

    /// <summary>The embedded reference configuration text.</summary>
    public static string ReferenceText { get; } = ReadReference();

    /// <summary>Loads <paramref name="configFile"/> (may be null: reference only) and applies <paramref name="overrides"/> (<c>key=value</c>).</summary>
    /// <exception cref="ConfigurationError">The file is missing or malformed, an override is malformed, or a key is unknown.</exception>
    public static HoconDocument Load(string? configFile, IEnumerable<string> overrides) =>
        FromText(configFile is null ? "" : ReadFile(configFile), overrides, configFile ?? "(no config file)");

    /// <summary>Builds the document from configuration text (the stored config of a run on resume).</summary>
    public static HoconDocument FromText(string text, IEnumerable<string> overrides, string source)
    {
        var reference = ConfigurationFactory.ParseString(ReferenceText);
        Config user = Parse(text, source);
        foreach (var entry in overrides)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw new ConfigurationError($"--set {entry}: expected key=value, e.g. --set restem.iterations=2");
            var key = entry[..eq].Trim();
            var value = entry[(eq + 1)..].Trim();
            if (!key.StartsWith("restem.", StringComparison.Ordinal) && !key.StartsWith("akka.", StringComparison.Ordinal)) key = "restem." + key;
            var parsed = Parse($"{key} = {QuoteIfNeeded(value)}", $"--set {entry}");
            user = parsed.WithFallback(user);
        }
        var referenceLeaves = Flatten(reference);
        var document = new HoconDocument(user.WithFallback(reference), user, referenceLeaves, source);
        document.RefuseUnknownKeys();
        return document;
    }

    /// <summary>Every leaf of the effective configuration under <c>restem</c>, as text.</summary>
    public IReadOnlyDictionary<string, string> EffectiveLeaves() => Flatten(Effective).Where(kv => kv.Key.StartsWith("restem.", StringComparison.Ordinal)).ToDictionary();

    /// <summary>The effective configuration as HOCON text (stored in run.json so a resume needs no file).</summary>
    public string Render()
    {
        // The user's akka.* keys too: a resumed run's actor system gets the same settings.
        var akka = Flatten(User).Where(kv => kv.Key.StartsWith("akka.", StringComparison.Ordinal));
        var lines = EffectiveLeaves().Concat(akka).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} = {kv.Value}");
        return string.Join("\n", lines) + "\n";
    }

    private void RefuseUnknownKeys()
    {
        foreach (var key in Flatten(User).Keys.Order(StringComparer.Ordinal))
        {
            if (!key.StartsWith("restem.", StringComparison.Ordinal))
            {
                if (key.StartsWith("akka.", StringComparison.Ordinal)) continue;
                throw new ConfigurationError($"{Source}: unknown configuration key '{key}': settings live under 'restem' (or 'akka' for the actor system)");
            }
            if (ReferenceLeaves.ContainsKey(key)) continue;
            var parent = key[..key.LastIndexOf('.')];
            var siblings = ReferenceLeaves.Keys.Where(k => k.StartsWith(parent + ".", StringComparison.Ordinal))
                .Select(k => k[(parent.Length + 1)..].Split('.')[0]).Distinct().Order(StringComparer.Ordinal).ToList();
            throw new ConfigurationError(siblings.Count > 0
                ? $"{Source}: unknown configuration key '{key}'; the keys under '{parent}' are: {string.Join(", ", siblings)}"
                : $"{Source}: unknown configuration key '{key}'");
        }
    }

    private static Config Parse(string text, string source)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? Config.Empty : ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not ConfigurationError)
        {
            throw new ConfigurationError($"{source}: not valid HOCON: {e.Message}", e);
        }
    }

    private static string ReadFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigurationError($"config file '{path}' does not exist");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationError($"config file '{path}' cannot be read: {e.Message}", e);
        }
    }

    private static string QuoteIfNeeded(string value)
    {
        if (value.Length == 0) return "\"\"";
        if (value.StartsWith('[') || value.StartsWith('"') || value.StartsWith('{')) return value;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || value is "true" or "false") return value;
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>Leaf keys (dotted paths) and their values as HOCON text.</summary>
    internal static Dictionary<string, string> Flatten(Config config)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.IsEmpty) return leaves;
        Walk(config.Root, "", leaves);
        return leaves;
    }

    private static void Walk(HoconValue value, string path, Dictionary<string, string> leaves)
    {
        if (value.IsObject() && !value.IsEmpty && value.GetObject() is { } obj && (obj.Items.Count > 0 || path.Length == 0))
        {
            foreach (var (key, child) in obj.Items)
            {
                Walk(child, path.Length == 0 ? Quote(key) : $"{path}.{Quote(key)}", leaves);
            }
            return;
        }
        if (path.Length == 0) return;
        leaves[path] = value.IsArray()
            ? "[" + string.Join(", ", value.GetArray().Select(v => Literal(v.GetString()))) + "]"
            : value.IsEmpty ? "\"\"" : Literal(value.GetString());
    }

    private static string Quote(string key) => key.Contains('.') ? $"\"{key}\"" : key;

    private static string Literal(string? text)
    {
        text ??= "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text is "true" or "false" || IsBareWord(text)) return text;
        return "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
    }

    private static bool IsBareWord(string text) =>
        text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) || c is '-' || c is '_') && char.IsLetter(text[0]);

    private static string ReadReference()
    {
        using var stream = typeof(HoconDocument).Assembly.GetManifestResourceStream("ReSTEM.Host.reference.conf")
            ?? throw new InvalidOperationException("reference.conf is not embedded in the executable");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
