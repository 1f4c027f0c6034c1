using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReSTEM.Model;

/// <summary>
/// The built-in character tokenizer: pad, bos, eos and unknown, then one id per character of
/// its alphabet (by default newline and printable ASCII). Saved as <see cref="FileName"/>.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>File name in a checkpoint folder.</summary>
    public const string FileName = "char_tokenizer.json";

    /// <summary>Padding id.</summary>
    public const int PadTokenId = 0;

    /// <summary>Beginning-of-sequence id.</summary>
    public const int BosTokenId = 1;

    /// <summary>End-of-sequence id.</summary>
    public const int EosTokenId = 2;

    /// <summary>Id of any character outside the alphabet.</summary>
    public const int UnknownTokenId = 3;

    private const int FirstCharId = 4;
    private const string UnknownText = "\uFFFD";

    private readonly string _alphabet;
    private readonly Dictionary<char, int> _ids;

    /// <summary>Creates a tokenizer over <paramref name="alphabet"/> (distinct characters), or newline + printable ASCII.</summary>
    public CharTokenizer(string? alphabet = null)
    {
        _alphabet = alphabet ?? DefaultAlphabet;
        _ids = new Dictionary<char, int>(_alphabet.Length);
        for (var i = 0; i < _alphabet.Length; i++)
        {
            if (!_ids.TryAdd(_alphabet[i], FirstCharId + i))
                throw new ArgumentException($"the alphabet repeats the character U+{(int)_alphabet[i]:X4}", nameof(alphabet));
        }
    }

    /// <summary>Newline followed by the 95 printable ASCII characters.</summary>
    public static string DefaultAlphabet { get; } =
        "\n" + new string(Enumerable.Range(32, 95).Select(c => (char)c).ToArray());

    /// <inheritdoc />
    public int VocabSize => FirstCharId + _alphabet.Length;

    /// <inheritdoc />
    public int? BosId => BosTokenId;

    /// <inheritdoc />
    public int? EosId => EosTokenId;

    /// <inheritdoc />
    public int PadId => PadTokenId;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new int[text.Length];
        for (var i = 0; i < text.Length; i++) ids[i] = _ids.TryGetValue(text[i], out var id) ? id : UnknownTokenId;
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IReadOnlyList<int> ids)
    {
        var sb = new StringBuilder(ids.Count);
        foreach (var id in ids)
        {
            if (id >= FirstCharId && id < VocabSize) sb.Append(_alphabet[id - FirstCharId]);
            else if (id == UnknownTokenId) sb.Append(UnknownText);
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        var root = new JsonObject
        {
            ["type"] = "char",
            ["pad_id"] = PadTokenId,
            ["bos_id"] = BosTokenId,
            ["eos_id"] = EosTokenId,
            ["unk_id"] = UnknownTokenId,
            ["alphabet"] = _alphabet,
        };
        File.WriteAllText(Path.Combine(dir, FileName), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a tokenizer written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> naming the file when malformed.</summary>
    public static CharTokenizer Load(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException("the top level is not a JSON object");
            if (root["type"]?.GetValue<string>() != "char") throw new InvalidDataException("'type' must be 'char'");
            if (root["pad_id"]?.GetValue<int>() != PadTokenId || root["bos_id"]?.GetValue<int>() != BosTokenId
                || root["eos_id"]?.GetValue<int>() != EosTokenId || root["unk_id"]?.GetValue<int>() != UnknownTokenId)
                throw new InvalidDataException($"special ids must be pad={PadTokenId}, bos={BosTokenId}, eos={EosTokenId}, unk={UnknownTokenId}");
            var alphabet = root["alphabet"]?.GetValue<string>() ?? throw new InvalidDataException("'alphabet' is missing");
            return new CharTokenizer(alphabet);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: malformed character tokenizer: {e.Message}", e);
        }
    }
}
