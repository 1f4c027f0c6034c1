using System.Text.Json.Nodes;

namespace ReSTEM.Model.Tests;

/// <summary>Small models and fixture paths shared by the tests.</summary>
internal static class TestModels
{
    public static string DataDir(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    /// <summary>A 2-layer GQA char model, small enough for hundreds of steps in a test.</summary>
    public static ModelConfig TinyConfig(int maxPositions = 256) =>
        ModelConfig.BuiltIn(vocabSize: new CharTokenizer().VocabSize, hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64, maxPositions: maxPositions);

    public static Policy TinyPolicy(long seed = 7, int maxPositions = 256) =>
        Policy.CreateRandom(TinyConfig(maxPositions), new CharTokenizer(), DeviceOptions.Cpu, seed);

    public static JsonObject Reference(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(DataDir(name), "reference.json")))!;

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "restem-model-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A GPT-2-style byte-level BPE: the 256 byte symbols, three merges, special tokens.</summary>
    public static void WriteTinyByteLevelTokenizer(string dir, bool withBos)
    {
        var symbols = ByteSymbols();
        var vocab = new JsonObject();
        for (var b = 0; b < 256; b++) vocab[symbols[b].ToString()] = b;
        vocab["he"] = 256;
        vocab["Ġt"] = 257;
        vocab["Ġthe"] = 258;
        var added = new JsonArray(new JsonObject { ["id"] = 259, ["content"] = "<|endoftext|>", ["special"] = true });
        if (withBos) added.Add(new JsonObject { ["id"] = 260, ["content"] = "<|begin_of_text|>", ["special"] = true });
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["post_processor"] = withBos
                ? new JsonObject { ["type"] = "TemplateProcessing", ["single"] = new JsonArray(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<|begin_of_text|>" } }) }
                : null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["vocab"] = vocab,
                ["merges"] = new JsonArray("h e", "Ġ t", "Ġt he"),
            },
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());
        var config = new JsonObject { ["eos_token"] = "<|endoftext|>" };
        if (withBos) config["bos_token"] = "<|begin_of_text|>";
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config.ToJsonString());
    }

    // GPT-2's reversible byte-to-character table.
    private static char[] ByteSymbols()
    {
        var direct = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var table = new char[256];
        var n = 0;
        for (var b = 0; b < 256; b++) table[b] = direct.Contains(b) ? (char)b : (char)(256 + n++);
        return table;
    }
}
