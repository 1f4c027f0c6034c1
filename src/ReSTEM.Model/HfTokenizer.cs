using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using ReSTEM.Model.Unicode;

namespace ReSTEM.Model;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> byte-level BPE tokenizer (GPT-2, Qwen2, Llama 3 family),
/// run by Microsoft.ML.Tokenizers. Special tokens come from <c>tokenizer_config.json</c> when present.
/// </summary>
/// <remarks>
/// Ids equal Hugging Face's (tested against its JavaScript tokenizer on Qwen3's real files): added
/// tokens are matched in the raw text, an NFC normalizer is applied to the text between them, and
/// the split regex sees whole code points. Not modelled: added tokens' <c>lstrip</c>, <c>rstrip</c>
/// and <c>single_word</c> flags (false in the Qwen2/2.5/3 and Llama 3 tokenizers).
/// </remarks>
public sealed class HfTokenizer : ITokenizer
{
    /// <summary>The HF tokenizer file name.</summary>
    public const string FileName = "tokenizer.json";

    /// <summary>The HF tokenizer settings file name (bos/eos/pad tokens).</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    // GPT-2's pre-tokenizer pattern, used when a ByteLevel pre-tokenizer asks for its own regex.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly string _json;
    private readonly string? _configJson;
    private readonly BpeTokenizer _bpe;
    private readonly bool _nfc;
    private readonly IReadOnlyDictionary<string, int> _added;
    private readonly Regex? _addedPattern;
    private readonly Dictionary<int, string> _addedText;
    private readonly HashSet<int> _special;

    private HfTokenizer(string json, string? configJson, BpeTokenizer bpe, bool nfc, IReadOnlyDictionary<string, int> added, HashSet<int> special, int vocabSize, int? bos, int? eos, int pad)
    {
        _json = json;
        _configJson = configJson;
        _bpe = bpe;
        _nfc = nfc;
        _added = added;
        _addedText = added.ToDictionary(kv => kv.Value, kv => kv.Key);
        _special = special;
        // Longest first, so of two added tokens that start at the same place the longer one wins.
        _addedPattern = added.Count == 0 ? null
            : new Regex(string.Join("|", added.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        VocabSize = vocabSize;
        BosId = bos;
        EosId = eos;
        PadId = pad;
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <inheritdoc />
    public int PadId { get; }

    /// <summary>Reads <c>tokenizer.json</c> (and <c>tokenizer_config.json</c> if present) from <paramref name="dir"/>.</summary>
    public static HfTokenizer Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer not found: {path}", path);
        var configPath = Path.Combine(dir, ConfigFileName);
        var json = File.ReadAllText(path);
        var configJson = File.Exists(configPath) ? File.ReadAllText(configPath) : null;
        try
        {
            return Parse(json, configJson);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException or NotSupportedException)
        {
            throw new InvalidDataException($"{path}: cannot read the tokenizer: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        if (text.Length == 0) return [];
        if (_addedPattern is null) return EncodeText(text);
        // As in Hugging Face's tokenizers: added tokens are found in the raw text first, and only
        // the text between them is normalized and split.
        var ids = new List<int>();
        var at = 0;
        foreach (var m in _addedPattern.EnumerateMatches(text))
        {
            if (m.Index > at) ids.AddRange(EncodeText(text[at..m.Index]));
            ids.Add(_added[text.Substring(m.Index, m.Length)]);
            at = m.Index + m.Length;
        }
        if (at < text.Length) ids.AddRange(EncodeText(text[at..]));
        return ids;
    }

    private IReadOnlyList<int> EncodeText(string text) =>
        _bpe.EncodeToIds(_nfc ? UnicodeNfc.Normalize(text) : text, considerPreTokenization: true, considerNormalization: false);

    /// <inheritdoc />
    public string Decode(IReadOnlyList<int> ids)
    {
        if (ids.Count == 0) return "";
        // As Hugging Face's decode(skip_special_tokens=True): special tokens are left out, other added
        // tokens (Qwen3's <think>, <tool_call>) are written as their text. A model's vocabulary is
        // often padded past the tokenizer's; such ids decode to nothing.
        if (ids.All(id => IsKnown(id) && !_addedText.ContainsKey(id))) return _bpe.Decode(ids, considerSpecialTokens: false);
        var text = new StringBuilder();
        var run = new List<int>();
        foreach (var id in ids)
        {
            if (!IsKnown(id) || _special.Contains(id)) continue;
            if (_addedText.TryGetValue(id, out var content))
            {
                if (run.Count > 0) text.Append(_bpe.Decode(run, considerSpecialTokens: false));
                run.Clear();
                text.Append(content);
            }
            else run.Add(id);
        }
        if (run.Count > 0) text.Append(_bpe.Decode(run, considerSpecialTokens: false));
        return text.ToString();
    }

    private bool IsKnown(int id) => id >= 0 && id < VocabSize;

    /// <inheritdoc />
    public void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, FileName), _json);
        if (_configJson is not null) File.WriteAllText(Path.Combine(dir, ConfigFileName), _configJson);
    }

    private static HfTokenizer Parse(string json, string? configJson)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("the top level is not a JSON object");
        var model = root["model"] as JsonObject ?? throw new InvalidDataException("'model' is missing");
        var type = model["type"]?.GetValue<string>();
        if (type != "BPE") throw new NotSupportedException($"model type '{type}' is not supported (BPE)");
        if (!IsByteLevel(root)) throw new NotSupportedException("only byte-level BPE (GPT-2 / Qwen2 / Llama 3 style) is supported");

        var vocab = (model["vocab"] as JsonObject ?? throw new InvalidDataException("'model.vocab' is missing"))
            .Select(kv => new KeyValuePair<string, int>(kv.Key, kv.Value!.GetValue<int>()))
            .ToList();
        var merges = (model["merges"] as JsonArray ?? [])
            .Select(m => m is JsonArray pair ? pair[0]!.GetValue<string>() + " " + pair[1]!.GetValue<string>() : m!.GetValue<string>())
            .ToList();

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        foreach (var node in root["added_tokens"] as JsonArray ?? [])
        {
            var id = node!["id"]!.GetValue<int>();
            added[node["content"]!.GetValue<string>()] = id;
            if (node["special"]?.GetValue<bool>() != false) special.Add(id);
        }

        var pattern = SplitPattern(root["pre_tokenizer"]) ?? Gpt2Pattern;
        var normalizer = root["normalizer"];
        var normalizerType = normalizer?["type"]?.GetValue<string>();
        if (normalizer is not null && normalizerType != "NFC")
            throw new NotSupportedException($"normalizer '{normalizerType}' is not supported (none, NFC)");

        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = added,
            PreTokenizer = new CodePointRegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled)),
        };
        var bpe = BpeTokenizer.Create(options);

        var config = configJson is null ? null : JsonNode.Parse(configJson) as JsonObject;
        int? Id(string key)
        {
            var node = config?[key];
            var content = node switch
            {
                null => null,
                JsonObject o => o["content"]?.GetValue<string>(),
                _ => node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null,
            };
            if (content is null) return null;
            if (added.TryGetValue(content, out var id)) return id;
            return vocab.FirstOrDefault(kv => kv.Key == content) is { Key: not null } hit ? hit.Value : null;
        }

        var eos = Id("eos_token") ?? (added.TryGetValue("<|endoftext|>", out var endOfText) ? endOfText : null);
        var bosCandidate = Id("bos_token");
        // A BOS token only counts when the tokenizer puts it in front of sequences: Llama 3 does
        // through its post-processor, Qwen2 names none.
        var addBos = config?["add_bos_token"]?.GetValue<bool>();
        var bosContent = bosCandidate is { } b ? added.FirstOrDefault(kv => kv.Value == b).Key : null;
        var postProcessor = root["post_processor"]?.ToJsonString() ?? "";
        int? bos = bosCandidate is null ? null
            : addBos == true || (addBos is null && bosContent is not null && postProcessor.Contains(JsonEncodedText.Encode(bosContent).ToString(), StringComparison.Ordinal))
                ? bosCandidate : null;
        var pad = Id("pad_token") ?? eos ?? 0;
        var vocabSize = Math.Max(vocab.Max(kv => kv.Value), added.Count > 0 ? added.Values.Max() : 0) + 1;
        return new HfTokenizer(json, configJson, bpe, normalizerType == "NFC", added, special, vocabSize, bos, eos, pad);
    }

    private static bool IsByteLevel(JsonObject root)
    {
        static bool Has(JsonNode? node) => node switch
        {
            JsonObject o when o["type"]?.GetValue<string>() == "ByteLevel" => true,
            JsonObject o when o["pretokenizers"] is JsonArray list => list.Any(Has),
            JsonObject o when o["decoders"] is JsonArray list => list.Any(Has),
            _ => false,
        };
        return Has(root["pre_tokenizer"]) || Has(root["decoder"]);
    }

    private static string? SplitPattern(JsonNode? preTokenizer)
    {
        switch (preTokenizer)
        {
            case JsonObject o when o["type"]?.GetValue<string>() == "Split":
                return o["pattern"]?["Regex"]?.GetValue<string>()
                    ?? (o["pattern"]?["String"]?.GetValue<string>() is { } s ? Regex.Escape(s) : null);
            case JsonObject o when o["type"]?.GetValue<string>() == "ByteLevel":
                return o["use_regex"]?.GetValue<bool>() == false ? null : Gpt2Pattern;
            case JsonObject o when o["pretokenizers"] is JsonArray list:
                return list.Select(SplitPattern).FirstOrDefault(p => p is not null);
            default:
                return null;
        }
    }
}
